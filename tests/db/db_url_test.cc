#include "db/db_url.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace sicoop::db {
namespace {

TEST(DbUrlTest, PostgresWithEverything) {
  auto url = ParseDbUrl("postgresql://etl:p%40ss%3Aw0rd%2F%25@db.example:6543/coop");
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(url->dialect, Dialect::kPostgres);
  EXPECT_EQ(url->user, "etl");
  EXPECT_EQ(url->password, "p@ss:w0rd/%");
  EXPECT_EQ(url->host, "db.example");
  EXPECT_EQ(url->port, 6543);
  EXPECT_EQ(url->database, "coop");
  EXPECT_EQ(url->Redacted(), "postgresql://etl:***@db.example:6543/coop");
  EXPECT_EQ(url->JdbcUrl(), "jdbc:postgresql://db.example:6543/coop");
}

TEST(DbUrlTest, SchemesAndDefaultPorts) {
  EXPECT_EQ(ParseDbUrl("postgres://u@h/d")->port, 5432);
  EXPECT_EQ(ParseDbUrl("mysql://u@h/d")->port, 3306);
  EXPECT_EQ(ParseDbUrl("mariadb://u@h/d")->dialect, Dialect::kMysql);
  EXPECT_EQ(ParseDbUrl("mysql://u@[::1]:3307/d")->host, "::1");
  EXPECT_EQ(ParseDbUrl("mysql://u@[::1]:3307/d")->Endpoint(), "[::1]:3307");
}

TEST(DbUrlTest, MysqlJdbcUrlAsksForStreamingAndUtf8WithoutCredentials) {
  auto url = ParseDbUrl("mysql://root:topsecret@127.0.0.1:3307/coop");
  ASSERT_TRUE(url.ok());
  std::string jdbc = url->JdbcUrl();
  EXPECT_EQ(jdbc.rfind("jdbc:mysql://127.0.0.1:3307/coop?", 0), 0u) << jdbc;
  EXPECT_NE(jdbc.find("useCursorFetch=true"), std::string::npos);
  EXPECT_NE(jdbc.find("characterEncoding=UTF-8"), std::string::npos);
  EXPECT_EQ(jdbc.find("topsecret"), std::string::npos);
  EXPECT_EQ(jdbc.find("root"), std::string::npos);
}

TEST(DbUrlTest, FallbackPasswordOnlyWhenTheUrlHasNone) {
  EXPECT_EQ(ParseDbUrl("postgresql://u@h/d", "from-env")->password, "from-env");
  EXPECT_EQ(ParseDbUrl("postgresql://u:in-url@h/d", "from-env")->password, "in-url");
  EXPECT_EQ(ParseDbUrl("postgresql://u@h/d", "from-env")->Redacted(), "postgresql://u:***@h:5432/d");
  EXPECT_EQ(ParseDbUrl("postgresql://u@h/d")->password, "");
  EXPECT_EQ(ParseDbUrl("postgresql://u@h/d")->Redacted(), "postgresql://u@h:5432/d");
}

TEST(DbUrlTest, MalformedUrlsAreUsageErrorsThatNeverEchoThePassword) {
  const char* bad[] = {
      "http://u:Secr3tPw@h/d",       "postgresql//u:Secr3tPw@h/d",  "postgresql://u:Secr3tPw@h",
      "postgresql://u:Secr3tPw@h/",  "postgresql://:Secr3tPw@h/d",  "postgresql://u:Secr3tPw@/d",
      "postgresql://u:Secr3tPw@h:99999/d", "postgresql://u:Secr3tPw@h:x/d", "postgresql://u:Secr3tPw%4@h/d",
      "postgresql://u:Secr3tPw%zz@h/d",   "postgresql://u:Secr3tPw@h/d?sslmode=require",
  };
  for (const char* text : bad) {
    auto url = ParseDbUrl(text);
    ASSERT_FALSE(url.ok()) << text;
    EXPECT_TRUE(url.status().is_usage()) << text;
    EXPECT_EQ(url.status().message().find("Secr3tPw"), std::string::npos) << url.status().message();
    EXPECT_EQ(url.status().message().find('\n'), std::string::npos) << url.status().message();
    EXPECT_NE(url.status().message().find("expected postgresql://"), std::string::npos) << url.status().message();
  }
}

TEST(DbUrlTest, UnencodedAtInThePasswordStillParses) {
  auto url = ParseDbUrl("postgresql://u:a@b@h/d");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->password, "a@b");
  EXPECT_EQ(url->host, "h");
}

}  // namespace
}  // namespace sicoop::db
