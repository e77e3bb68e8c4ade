// A throwaway PostgreSQL starts on a free port with password authentication, takes the schema and a
// seed, and leaves nothing behind when destroyed. Refused connections to it carry the reason that
// PostgreSQL's SQLSTATE gives (a wrong password, a missing database) or that nothing answered.
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
    auto refused = db::Connect(wrong);
    ASSERT_FALSE(refused.ok()) << "password authentication must be on";
    EXPECT_EQ(refused.status().reason(), Status::Reason::kAuthentication) << refused.status().message();

    DbUrl missing = url;
    missing.database = "no_such_database";
    auto no_database = db::Connect(missing);
    ASSERT_FALSE(no_database.ok());
    EXPECT_EQ(no_database.status().reason(), Status::Reason::kMissingDatabase) << no_database.status().message();
  }
  // The same port once the server is gone: nothing listens there any more.
  auto gone = db::Connect(url);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.status().reason(), Status::Reason::kUnreachable) << gone.status().message();
  EXPECT_FALSE(std::filesystem::exists(folder));
  EXPECT_FALSE(PortAcceptsConnections("127.0.0.1", url.port));
}

}  // namespace
}  // namespace sicoop::local
