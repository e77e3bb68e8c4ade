// A database of a test's own on the harness servers (ctest runs tests in parallel), with the
// connection to it.
#pragma once

#include <memory>
#include <string>

#include "db/connection.h"

namespace sicoop::testing {

struct FreshDatabase {
  std::string url;                               // with the harness password, percent-encoded
  std::unique_ptr<db::Connection> connection;    // null (and the test failed) when it could not be made
};

// Drops and creates, on the "postgres" or "mysql" harness server, a database named after the running
// test (so that tests running in parallel never share one). The database is dropped again when the
// test has ended, passed or failed (after its fixture is destroyed, so its connections are closed);
// a drop that fails is reported on stderr and leaves the test's verdict as it was.
FreshDatabase MakeFreshDatabase(const std::string& dialect);

// Connects or fails the test (returns null).
std::unique_ptr<db::Connection> ConnectOrFail(const std::string& url);

}  // namespace sicoop::testing
