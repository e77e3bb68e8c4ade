// `sicoop db init|seed` as a user runs them on a real database: exit statuses, messages, the summary
// line (wrong command lines are in usage_errors_test.cc).
#include <gtest/gtest.h>

#include "support/fresh_database.h"
#include "support/run_sicoop.h"

namespace sicoop::testing {
namespace {

constexpr const char* kHarnessPassword = "p@ss:w0rd/%";

void ExpectNoPassword(const RunResult& run) {
  EXPECT_EQ(run.output.find(kHarnessPassword), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("p%40ss"), std::string::npos) << run.output;
}

TEST(DbCommandTest, InitThenSeedPrintsASummary) {
  FreshDatabase db = MakeFreshDatabase("postgres");
  ASSERT_TRUE(db.connection);
  RunResult seed_first = RunSicoop({"db", "seed", "--db", db.url});
  EXPECT_EQ(seed_first.exit_code, 1) << seed_first.output;
  EXPECT_NE(seed_first.output.find("sicoop db init"), std::string::npos) << seed_first.output;
  ExpectNoPassword(seed_first);

  RunResult init = RunSicoop({"db", "init", "--db", db.url});
  ASSERT_EQ(init.exit_code, 0) << init.output;
  RunResult seed = RunSicoop({"db", "seed", "--db", db.url, "--movimentos", "2000", "--seed", "3"});
  ASSERT_EQ(seed.exit_code, 0) << seed.output;
  EXPECT_NE(seed.output.find("2000 movimentos"), std::string::npos) << seed.output;
  EXPECT_NE(seed.output.find("rows/s"), std::string::npos) << seed.output;
  EXPECT_EQ(seed.output.find("seeding movimento:"), std::string::npos) << "progress only on a terminal";
  ExpectNoPassword(seed);
}

TEST(DbCommandTest, MysqlSeedAppends) {
  FreshDatabase db = MakeFreshDatabase("mysql");
  ASSERT_TRUE(db.connection);
  ASSERT_EQ(RunSicoop({"db", "init", "--db", db.url}).exit_code, 0);
  ASSERT_EQ(RunSicoop({"db", "seed", "--db", db.url, "--movimentos", "500"}).exit_code, 0);
  RunResult again = RunSicoop({"db", "seed", "--db", db.url, "--movimentos", "500"});
  EXPECT_EQ(again.exit_code, 1) << again.output;
  RunResult append = RunSicoop({"db", "seed", "--db", db.url, "--movimentos", "500", "--append"});
  ASSERT_EQ(append.exit_code, 0) << append.output;
  auto rows = db.connection->Query("SELECT COUNT(*), MAX(id) FROM movimento");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0][0], "1000");
  EXPECT_EQ((*rows)[0][1], "1000");
}

}  // namespace
}  // namespace sicoop::testing
