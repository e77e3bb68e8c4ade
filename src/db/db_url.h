// Database URLs as users write them (README, "Using it"): postgresql://USER[:PASSWORD]@HOST[:PORT]/DB and
// mysql://... (postgres:// and mariadb:// are accepted too). The password is held in memory only to
// connect; Redacted() and JdbcUrl() are what may be shown, logged or handed to Spark.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace sicoop::db {

enum class Dialect { kPostgres, kMysql };

// "PostgreSQL" or "MySQL/MariaDB", for messages.
const char* DialectName(Dialect dialect);

struct DbUrl {
  Dialect dialect = Dialect::kPostgres;
  std::string user, password, host;
  int port = 0;
  std::string database;

  // The URL with the password replaced by "***" (nothing at all when there is no password).
  std::string Redacted() const;
  // jdbc:postgresql://host:port/db or jdbc:mysql://host:port/db?..., with no credentials in it.
  // For MySQL it asks Connector/J for cursor streaming (useCursorFetch) and UTF-8 (utf8mb4).
  std::string JdbcUrl() const;
  // "host:port", for messages.
  std::string Endpoint() const;
};

// Parses `url`. Percent-escapes in user and password are decoded; a missing port is 5432 or 3306;
// a URL without a password takes `fallback_password` (main passes $SICOOP_DB_PASSWORD). A malformed
// URL is a Status::Usage with a one-line reason and a hint; the message never contains the password.
Result<DbUrl> ParseDbUrl(std::string_view url, std::string_view fallback_password = {});

}  // namespace sicoop::db
