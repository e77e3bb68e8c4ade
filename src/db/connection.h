// A session with a source database, PostgreSQL (libpq) or MySQL/MariaDB (MariaDB Connector/C).
// Text in and out is UTF-8 on both (MySQL sessions use utf8mb4, so 4-byte characters round-trip).
// Errors name the dialect, host:port and database, and never the password.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "db/db_url.h"

namespace sicoop::db {

using Row = std::vector<std::optional<std::string>>;  // one text value per column; nullopt = NULL

// Produces the rows of a bulk load, one chunk at a time, in the dialect's bulk format
// (BulkFormatFor in bulk_rows.h: PostgreSQL's COPY binary rows, without the header and trailer,
// which BulkLoad adds; MySQL's LOAD DATA text). Replaces `chunk` with the next rows and returns
// true, or returns false when there are no more rows; a failed Status aborts the load.
using ChunkSource = std::function<Result<bool>(std::string& chunk)>;

class Connection {
 public:
  virtual ~Connection() = default;

  // Runs one or more ';'-separated statements and discards any result. Multi-statement text works
  // on both dialects (MySQL sessions enable CLIENT_MULTI_STATEMENTS); PostgreSQL runs a multi-
  // statement text in one implicit transaction unless it holds its own BEGIN/COMMIT.
  virtual Status Execute(const std::string& sql) = 0;

  // Runs one statement and returns every row as text (timestamps as "YYYY-MM-DD HH:MM:SS",
  // decimals as "-12.30"). The whole result is held in memory: meant for small results.
  virtual Result<std::vector<std::vector<std::optional<std::string>>>> Query(const std::string& sql) = 0;

  // Streams the rows of `next_chunk` into `table` (`columns` in the order of the fields) through the
  // dialect's bulk path: COPY ... FROM STDIN or LOAD DATA LOCAL INFILE fed from memory. Returns the
  // number of rows the server stored; a server that stored fewer rows than were sent (MySQL turns
  // some row errors into warnings) is a failure. Runs inside the caller's transaction, if any.
  virtual Result<int64_t> BulkLoad(const std::string& table, const std::vector<std::string>& columns,
                                   const ChunkSource& next_chunk) = 0;

  // `text` as an SQL string literal, quotes included, valid for this session's settings (MySQL:
  // whether or not NO_BACKSLASH_ESCAPES is on; PostgreSQL: standard_conforming_strings, which
  // sicoop sessions keep on). Use it for every value spliced into SQL text.
  virtual std::string QuoteLiteral(std::string_view text) = 0;

  // An opaque server-side id of this session (PostgreSQL backend pid, MySQL connection id): another
  // session can end this one with pg_terminate_backend(id) or KILL id.
  virtual Result<int64_t> SessionId() = 0;

  Dialect dialect() const { return url_.dialect; }
  const DbUrl& url() const { return url_; }

  // "PostgreSQL at host:port (database x)", the prefix of every error message of this connection.
  std::string Describe() const;

 protected:
  explicit Connection(DbUrl url) : url_(std::move(url)) {}

 private:
  DbUrl url_;
};

// Opens a session. Gives up on an unreachable host after about 10 seconds. The error says what to
// check (server running, user and password, database name), without the password, and its reason
// is kAuthentication, kUnreachable or kMissingDatabase when the dialect's error code says so.
Result<std::unique_ptr<Connection>> Connect(const DbUrl& url);

// What to check after a connect that failed for `reason`: the end of Connect's error messages.
std::string ConnectHint(Status::Reason reason);

// The end of the error of a connect the server refused because no password came from anywhere:
// every place sicoop takes one from. Both paths, sicoop's own connection and Spark's JDBC reads,
// use the same password. PostgreSQL: sicoop's sources, then what libpq reads itself (PGPASSWORD,
// ~/.pgpass or PGPASSFILE's file), which the connection hands on to the JDBC reads. MySQL/MariaDB:
// sicoop's sources only; MYSQL_PWD (deprecated by MySQL) and option files (~/.my.cnf) are not read,
// because an option file's other settings (host, port, TLS) would reach one path and not the other.
std::string NoPasswordHint(Dialect dialect);

}  // namespace sicoop::db
