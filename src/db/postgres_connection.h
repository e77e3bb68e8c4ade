// The PostgreSQL implementation of Connection, on libpq.
#pragma once

#include <memory>

#include "db/connection.h"

namespace sicoop::db {

// Connects with a 10-second connect timeout, client_encoding UTF8 and standard_conforming_strings on.
Result<std::unique_ptr<Connection>> ConnectPostgres(const DbUrl& url);

}  // namespace sicoop::db
