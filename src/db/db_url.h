// Database URLs as users write them (README, "Using it"): postgresql://USER[:PASSWORD]@HOST[:PORT]/DB and
// mysql://... (postgres:// and mariadb:// are accepted too). The password is held in memory only to
// connect; Redacted() and JdbcUrl() are what may be shown, logged or handed to Spark.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "db/timeouts.h"

namespace sicoop::db {

enum class Dialect { kPostgres, kMysql };

// "PostgreSQL" or "MySQL/MariaDB", for messages.
const char* DialectName(Dialect dialect);

// How a connection uses TLS, from the URL's query in the dialect's own words: PostgreSQL's sslmode
// (disable, allow, prefer, require, verify-ca, verify-full) and MySQL's ssl-mode (DISABLED,
// REQUIRED, VERIFY_CA, VERIFY_IDENTITY).
enum class TlsMode { kDriverDefault, kDisable, kAllow, kPrefer, kRequire, kVerifyCa, kVerifyIdentity };

struct DbTls {
  TlsMode mode = TlsMode::kDriverDefault;  // no mode in the URL: each driver's own default
  // PEM file of the certificate authorities that sign the server's certificate (sslrootcert,
  // ssl-ca). The JDBC driver reads it where Spark runs: on a cluster, the same path on every node.
  std::string ca_file;
  // MySQL Connector/J reads no PEM: a trust store made from ca_file (PKCS12, see
  // db/jdbc_trust_store.h) that JdbcUrl() names instead. Empty until one is made.
  std::string jdbc_trust_store;

  bool verifies() const { return mode == TlsMode::kVerifyCa || mode == TlsMode::kVerifyIdentity; }
};

struct DbUrl {
  Dialect dialect = Dialect::kPostgres;
  std::string user, password, host;
  int port = 0;
  std::string database;
  DbTls tls;
  // Not part of the URL: set from --db-timeout. Every connection to this database, sicoop's own
  // and Spark's JDBC reads, waits this long at most (db/timeouts.h).
  Timeouts timeouts;

  // The URL with the password replaced by "***" (nothing at all when there is no password); the
  // TLS parameters stay, they are not secret.
  std::string Redacted() const;
  // jdbc:postgresql://host:port/db or jdbc:mysql://host:port/db?..., with no credentials in it and
  // the TLS settings in the driver's words (pgjdbc: sslmode, sslrootcert; Connector/J: sslMode and
  // the trust store). For MySQL it asks Connector/J for cursor streaming (useCursorFetch) and UTF-8.
  std::string JdbcUrl() const;
  // "host:port", for messages.
  std::string Endpoint() const;
  // The end of a message about a TLS handshake that failed: the mode the URL asked for and what to
  // check (the CA file, the host name the certificate must name).
  std::string TlsFailureHint() const;
};

// The dialect's word for `mode` (sslmode=verify-full, ssl-mode=VERIFY_IDENTITY); null for
// kDriverDefault and for a mode the dialect has not.
const char* TlsModeWord(Dialect dialect, TlsMode mode);

// Parses `url`. Percent-escapes in user, password and parameter values are decoded; a missing port
// is 5432 or 3306; the query may hold the TLS parameters of DbTls (PostgreSQL: sslmode, sslrootcert;
// MySQL/MariaDB: ssl-mode, ssl-ca, and ssl-ca alone means VERIFY_CA as in MySQL's own clients);
// a URL without a password takes `fallback_password` (main passes $SICOOP_DB_PASSWORD). A malformed
// URL is a Status::Usage with a one-line reason and a hint; the message never contains the password.
Result<DbUrl> ParseDbUrl(std::string_view url, std::string_view fallback_password = {});

}  // namespace sicoop::db
