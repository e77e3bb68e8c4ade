// A throwaway PostgreSQL starts on a free port with password authentication, takes the schema and a
// seed, and leaves nothing behind when destroyed.
#include "local/local_postgres.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/process.h"
#include "db/connection.h"
#include "db/schema.h"
#include "seed/seed.h"

namespace sicoop::local {
namespace {

using db::DbUrl;

TEST(LocalPostgresTest, StartsServesAndCleansUp) {
  std::string folder;
  DbUrl url;
  {
    auto server = LocalPostgres::Start();
    ASSERT_TRUE(server.ok()) << server.status().message();
    folder = (*server)->folder();
    EXPECT_TRUE(std::filesystem::exists(folder));
    auto parsed = db::ParseDbUrl((*server)->url());
    ASSERT_TRUE(parsed.ok());
    url = *parsed;
    EXPECT_EQ(url.host, "127.0.0.1");
    EXPECT_EQ(url.database, "sicoop");
    auto connection = db::Connect(url);
    ASSERT_TRUE(connection.ok()) << connection.status().message();
    ASSERT_TRUE(db::InitSchema(**connection).ok());
    auto seeded = seed::Seed(**connection, seed::SeedOptions{});
    ASSERT_TRUE(seeded.ok()) << seeded.status().message();
    EXPECT_EQ(seeded->movimentos, 5000);

    DbUrl wrong = url;
    wrong.password = "not-it";
    EXPECT_FALSE(db::Connect(wrong).ok()) << "password authentication must be on";
  }
  EXPECT_FALSE(std::filesystem::exists(folder));
  EXPECT_FALSE(PortAcceptsConnections("127.0.0.1", url.port));
}

}  // namespace
}  // namespace sicoop::local
