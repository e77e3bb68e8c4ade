#include "support/fresh_database.h"

#include <gtest/gtest.h>

#include <cctype>
#include <iostream>
#include <utility>
#include <vector>

#include "support/test_servers.h"

namespace sicoop::testing {
namespace {

// Drops, when each test ends, the databases MakeFreshDatabase made for it. A listener rather than a
// destructor in FreshDatabase: tests keep the URL and the connection apart, beyond the handle's life.
class DropDatabasesAtTestEnd : public ::testing::EmptyTestEventListener {
 public:
  void Add(std::string admin_url, std::string name) { made_.emplace_back(std::move(admin_url), std::move(name)); }

  void OnTestEnd(const ::testing::TestInfo& /*test*/) override {
    for (const auto& [admin_url, name] : made_) {
      // Reported, never a failure: the test has its verdict, and the next run drops the database
      // before it makes it anyway.
      Status dropped = Drop(admin_url, name);
      if (!dropped.ok()) std::cerr << "could not drop the test database " << name << ": " << dropped.message() << "\n";
    }
    made_.clear();
  }

 private:
  static Status Drop(const std::string& admin_url, const std::string& name) {
    SICOOP_ASSIGN_OR_RETURN(db::DbUrl url, db::ParseDbUrl(admin_url));
    SICOOP_ASSIGN_OR_RETURN(auto admin, db::Connect(url));
    // PostgreSQL refuses to drop a database with sessions on it; a session a test leaked would
    // otherwise keep the database forever.
    bool postgres = admin_url.rfind("postgresql://", 0) == 0;
    return admin->Execute("DROP DATABASE IF EXISTS " + name + (postgres ? " WITH (FORCE)" : ""));
  }

  std::vector<std::pair<std::string, std::string>> made_;
};

DropDatabasesAtTestEnd& DropsAtTestEnd() {
  static DropDatabasesAtTestEnd* listener = [] {
    auto* created = new DropDatabasesAtTestEnd;
    ::testing::UnitTest::GetInstance()->listeners().Append(created);  // gtest owns it from here
    return created;
  }();
  return *listener;
}

}  // namespace

std::unique_ptr<db::Connection> ConnectOrFail(const std::string& url) {
  auto parsed = db::ParseDbUrl(url);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  if (!parsed.ok()) return nullptr;
  auto connection = db::Connect(*parsed);
  EXPECT_TRUE(connection.ok()) << connection.status().message();
  return connection.ok() ? std::move(connection).value() : nullptr;
}

FreshDatabase MakeFreshDatabase(const std::string& dialect) {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "t_" + std::string(test->name());
  name = name.substr(0, name.find('/')) + "_" + dialect;
  for (char& c : name) c = static_cast<char>(std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_');
  name = name.substr(0, 60);
  std::string admin_url = dialect == "postgres" ? PostgresUrl() : MysqlUrl();
  FreshDatabase fresh;
  if (admin_url.empty()) return fresh;
  auto admin = ConnectOrFail(admin_url);
  if (!admin) return fresh;
  Status dropped = admin->Execute("DROP DATABASE IF EXISTS " + name);
  Status created = admin->Execute("CREATE DATABASE " + name);
  EXPECT_TRUE(dropped.ok() && created.ok()) << dropped.message() << created.message();
  if (created.ok()) DropsAtTestEnd().Add(admin_url, name);
  fresh.url = WithDatabase(admin_url, name);
  fresh.connection = ConnectOrFail(fresh.url);
  return fresh;
}

}  // namespace sicoop::testing
