// How long sicoop, and Spark's JDBC reads, wait for a source database before giving up: a server
// that is stopped, overloaded or cut off by a silent network (the kernel may still acknowledge TCP,
// so keepalives do not notice) ends in an error instead of a wait without end.
#pragma once

#include <chrono>
#include <string>

namespace sicoop::db {

enum class Dialect;

struct Timeouts {
  // Connecting and logging in: a healthy server answers in well under a second.
  std::chrono::seconds connect{10};
  // Each wait for the server while a statement, a bulk load or a JDBC read is under way: the
  // longest the server may stay silent, not a bound on the whole statement, so a long load that
  // keeps moving never times out. It must exceed the longest silent stretch of a healthy run: a
  // COUNT(*) of the largest table, the first row of a JDBC slice (MySQL's cursor fetch materializes
  // the slice first), an index rebuilt after `db seed`'s load. 300 s covers those for hundreds of
  // millions of rows on ordinary hardware and still ends a hung run.
  std::chrono::seconds read{300};
};

// Timeouts for `--db-timeout SECONDS`: waits of `seconds`; connecting gives up after the default
// 10 s, or `seconds` when that is shorter.
Timeouts TimeoutsOf(std::chrono::seconds seconds);

// `jdbc_url` with the parameters that apply `timeouts` to Spark's JDBC reads, in the driver's own
// names and units: pgjdbc 42.7 connectTimeout, loginTimeout and socketTimeout (seconds); MySQL
// Connector/J 9 connectTimeout and socketTimeout (milliseconds). A socket timeout bounds each read,
// like Timeouts::read. In the URL, which the driver parses itself, rather than in Spark's JDBC
// options: as options they did not reach pgjdbc for movimento's predicate-sliced read (measured: a
// stopped server held that read far past the socket timeout).
std::string WithJdbcTimeouts(std::string jdbc_url, Dialect dialect, const Timeouts& timeouts);

}  // namespace sicoop::db
