// A throwaway PostgreSQL starts on a free port with password authentication, takes the schema and a
// seed, and leaves nothing behind when destroyed.
#include "db/local_postgres.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/process.h"
#include "db/connection.h"
#include "db/schema.h"
#include "db/seed.h"

namespace sicoop::db {
namespace {

TEST(LocalPostgresTest, StartsServesAndCleansUp) {
  std::string folder;
  DbUrl url;
  {
    auto server = LocalPostgres::Start();
    ASSERT_TRUE(server.ok()) << server.status().message();
    folder = (*server)->folder();
    EXPECT_TRUE(std::filesystem::exists(folder));
    auto parsed = ParseDbUrl((*server)->url());
    ASSERT_TRUE(parsed.ok());
    url = *parsed;
    EXPECT_EQ(url.host, "127.0.0.1");
    EXPECT_EQ(url.database, "sicoop");
    auto connection = Connect(url);
    ASSERT_TRUE(connection.ok()) << connection.status().message();
    ASSERT_TRUE(InitSchema(**connection).ok());
    auto seeded = Seed(**connection, SeedOptions{});
    ASSERT_TRUE(seeded.ok()) << seeded.status().message();
    EXPECT_EQ(seeded->movimentos, 5000);

    DbUrl wrong = url;
    wrong.password = "not-it";
    EXPECT_FALSE(Connect(wrong).ok()) << "password authentication must be on";
  }
  EXPECT_FALSE(std::filesystem::exists(folder));
  EXPECT_FALSE(PortAcceptsConnections("127.0.0.1", url.port));
}

}  // namespace
}  // namespace sicoop::db
