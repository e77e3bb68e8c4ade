// The MySQL/MariaDB implementation of Connection, on MariaDB Connector/C (which also speaks to
// MySQL 8).
#pragma once

#include <memory>

#include "db/connection.h"

namespace sicoop::db {

// Connects with a 10-second connect timeout, charset utf8mb4, multi-statements and LOCAL INFILE
// enabled (the bulk path; the server must allow it too: local_infile=ON).
Result<std::unique_ptr<Connection>> ConnectMysql(const DbUrl& url);

}  // namespace sicoop::db
