#include "db/connection.h"

#include "db/mysql_connection.h"
#include "db/postgres_connection.h"

namespace sicoop::db {

std::string Connection::Describe() const {
  return std::string(DialectName(url_.dialect)) + " at " + url_.Endpoint() + " (database " + url_.database + ")";
}

Result<std::unique_ptr<Connection>> Connect(const DbUrl& url) {
  if (url.dialect == Dialect::kPostgres) return ConnectPostgres(url);
  return ConnectMysql(url);
}

}  // namespace sicoop::db
