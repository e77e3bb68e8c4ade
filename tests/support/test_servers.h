// What an integration test needs to reach the servers that tests/harness/servers.sh started for the
// CTest fixtures "db_servers" and "spark_server". A missing server is a test failure, never a skip.
#pragma once

#include <string>

namespace sicoop::testing {

// Each returns the URL of a running server, or fails the current test (ADD_FAILURE) and returns "".
std::string PostgresUrl();  // postgresql://sicoop:...@127.0.0.1:PORT/postgres (superuser)
std::string MysqlUrl();     // mysql://sicoop:...@127.0.0.1:PORT/mysql (all privileges)
std::string SparkUrl();     // sc://127.0.0.1:PORT

// `url` with its database name replaced by `database` (e.g. to point at a per-test database).
std::string WithDatabase(const std::string& url, const std::string& database);

// The path of the built sicoop executable ($SICOOP_BIN).
std::string SicoopBinary();

}  // namespace sicoop::testing
