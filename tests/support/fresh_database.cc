#include "support/fresh_database.h"

#include <gtest/gtest.h>

#include <cctype>

#include "support/test_servers.h"

namespace sicoop::testing {

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
  fresh.url = WithDatabase(admin_url, name);
  fresh.connection = ConnectOrFail(fresh.url);
  return fresh;
}

}  // namespace sicoop::testing
