// The failures a user meets with `sicoop etl` once its command line is right (wrong command lines are
// in usage_errors_test.cc): exit status 1, a message that names what failed, no password in it, and
// nothing written to the output folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "db/schema.h"
#include "support/files.h"
#include "support/fresh_database.h"
#include "support/ports.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

constexpr const char* kHarnessPassword = "p@ss:w0rd/%";

class EtlErrorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTestFolder("sicoop-etl-errors");
    output_ = root_ / "out";
  }
  void TearDown() override { fs::remove_all(root_); }

  // Runs etl and checks what every failure shares: exit status 1, no password, an untouched output.
  RunResult ExpectEtlFailure(const std::vector<std::string>& args,
                             const std::vector<std::pair<std::string, std::string>>& env = {}) {
    std::vector<std::string> full = {"etl"};
    full.insert(full.end(), args.begin(), args.end());
    RunResult run = RunSicoop(full, env);
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_EQ(run.output.find(kHarnessPassword), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("p%40ss"), std::string::npos) << run.output;
    EXPECT_FALSE(fs::exists(output_) && !fs::is_empty(output_)) << "something was written to " << output_;
    return run;
  }

  // A new PostgreSQL database of this test's own, with the schema or without it.
  std::string FreshDatabaseUrl(bool with_schema) {
    FreshDatabase fresh = MakeFreshDatabase("postgres");
    if (!fresh.connection) return "";
    if (with_schema) {
      Status init = db::InitSchema(*fresh.connection);
      EXPECT_TRUE(init.ok()) << init.message();
    }
    return fresh.url;
  }

  fs::path root_;
  fs::path output_;
};

TEST_F(EtlErrorsTest, UnreachableDatabaseNamesTheHost) {
  HeldPort closed(HeldPort::Kind::kRefusing);
  ASSERT_NE(closed.port(), 0);
  std::string url = "postgresql://sicoop:secret@127.0.0.1:" + std::to_string(closed.port()) + "/x";
  RunResult run = ExpectEtlFailure({"--db", url, "--output", output_.string(), "--spark", SparkUrl()});
  EXPECT_NE(run.output.find("127.0.0.1:" + std::to_string(closed.port())), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("secret"), std::string::npos) << run.output;
}

TEST_F(EtlErrorsTest, WrongPasswordIsRefusedWithoutEchoingIt) {
  std::string url = PostgresUrl();
  std::string wrong = url.substr(0, url.find(':', 14) + 1) + "Wr0ngPa55" + url.substr(url.find('@'));
  RunResult run = ExpectEtlFailure({"--db", wrong, "--output", output_.string(), "--spark", SparkUrl()});
  EXPECT_EQ(run.output.find("Wr0ngPa55"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("password"), std::string::npos) << run.output;
}

TEST_F(EtlErrorsTest, DatabaseWithoutTablesPointsAtDbInit) {
  std::string url = FreshDatabaseUrl(false);
  RunResult run = ExpectEtlFailure({"--db", url, "--output", output_.string(), "--spark", SparkUrl()});
  EXPECT_NE(run.output.find("sicoop db init"), std::string::npos) << run.output;
}

TEST_F(EtlErrorsTest, OutputThatIsAFileIsRefused) {
  std::ofstream(root_ / "file.csv") << "x";
  RunResult run = RunSicoop({"etl", "--db", PostgresUrl(), "--output", (root_ / "file.csv").string(),
                             "--spark", SparkUrl()});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("file.csv"), std::string::npos) << run.output;
}

TEST_F(EtlErrorsTest, OutputThatCannotBeCreatedIsRefused) {
  RunResult run = RunSicoop({"etl", "--db", PostgresUrl(), "--output", "/proc/sicoop-out", "--spark", SparkUrl()});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  // The path as given, and why: not only the folder above it.
  EXPECT_NE(run.output.find("cannot create the output folder /proc/sicoop-out: /proc takes no new folders ("),
            std::string::npos)
      << run.output;
}

TEST_F(EtlErrorsTest, UnreachableSparkLeavesThePreviousFileUntouched) {
  fs::create_directories(output_);
  std::ofstream(output_ / "movimento_flat.csv") << "previous\n";
  HeldPort closed(HeldPort::Kind::kRefusing);
  ASSERT_NE(closed.port(), 0);
  std::string spark = "sc://127.0.0.1:" + std::to_string(closed.port());
  RunResult run = RunSicoop({"etl", "--db", FreshDatabaseUrl(true), "--output", output_.string(), "--spark", spark});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(spark), std::string::npos) << run.output;
  EXPECT_EQ(ReadWholeFile(output_ / "movimento_flat.csv"), "previous\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(output_), fs::directory_iterator()), 1);
}

TEST_F(EtlErrorsTest, NoJavaForTheEmbeddedSparkIsAClearError) {
  // No --spark: sicoop would start a local server, but Java is nowhere to be found.
  RunResult run = ExpectEtlFailure({"--db", FreshDatabaseUrl(true), "--output", output_.string()},
                                   {{"PATH", "/nonexistent"}, {"JAVA_HOME", "/nonexistent"},
                                    {"SICOOP_STATE_DIR", (root_ / "state").string()}});
  EXPECT_NE(run.output.find("Java"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace sicoop::testing
