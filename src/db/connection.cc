#include "db/connection.h"

#include "db/mysql_connection.h"
#include "db/postgres_connection.h"

namespace sicoop::db {

std::string Connection::Describe() const {
  return std::string(DialectName(url_.dialect)) + " at " + url_.Endpoint() + " (database " + url_.database + ")";
}

std::string ConnectHint(Status::Reason reason) {
  switch (reason) {
    case Status::Reason::kAuthentication:
      return "check the user and password";
    case Status::Reason::kMissingDatabase:
      return "check the database name, or create the database";
    case Status::Reason::kUnreachable:
      return "check that the server is running and that the host and port are right";
    case Status::Reason::kNotFound:  // an object store's, never a connection's
    case Status::Reason::kConflict:
    case Status::Reason::kUnspecified:
      break;
  }
  return "check the URL and that the server lets this user use the database";
}

std::string NoPasswordHint(Dialect dialect) {
  const std::string sicoop_sources =
      "give the password in the file --db-password-file names, in the file SICOOP_DB_PASSWORD_FILE names, "
      "in SICOOP_DB_PASSWORD";
  if (dialect == Dialect::kPostgres) {
    return "no password was given: " + sicoop_sources +
           ", in PGPASSWORD or in a password file (~/.pgpass, or the file PGPASSFILE names), or in the --db URL "
           "(which other local users can read)";
  }
  return "no password was given: " + sicoop_sources +
         " or in the --db URL (which other local users can read); sicoop reads neither MYSQL_PWD nor option "
         "files such as ~/.my.cnf";
}

Result<std::unique_ptr<Connection>> Connect(const DbUrl& url) {
  if (url.dialect == Dialect::kPostgres) return ConnectPostgres(url);
  return ConnectMysql(url);
}

}  // namespace sicoop::db
