#include "db/timeouts.h"

#include <algorithm>

#include "db/db_url.h"

namespace sicoop::db {

Timeouts TimeoutsOf(std::chrono::seconds seconds) {
  Timeouts timeouts;
  timeouts.connect = std::min(timeouts.connect, seconds);
  timeouts.read = seconds;
  return timeouts;
}

std::string WithJdbcTimeouts(std::string jdbc_url, Dialect dialect, const Timeouts& timeouts) {
  jdbc_url += jdbc_url.find('?') == std::string::npos ? "?" : "&";
  if (dialect == Dialect::kPostgres) {
    // loginTimeout bounds the start-up exchange too: a stopped server accepts TCP (the kernel does)
    // and then never answers it.
    return jdbc_url + "connectTimeout=" + std::to_string(timeouts.connect.count()) +
           "&loginTimeout=" + std::to_string(timeouts.connect.count()) +
           "&socketTimeout=" + std::to_string(timeouts.read.count());
  }
  return jdbc_url + "connectTimeout=" + std::to_string(timeouts.connect.count() * 1000) +
         "&socketTimeout=" + std::to_string(timeouts.read.count() * 1000);
}

}  // namespace sicoop::db
