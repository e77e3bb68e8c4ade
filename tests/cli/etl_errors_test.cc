// The errors a user meets with `sicoop etl`: each has exit status 2 (usage) or 1 (failure), a
// message that names what failed, no password in it, and nothing written to the output folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/process.h"
#include "db/schema.h"
#include "support/files.h"
#include "support/fresh_database.h"
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

  // Runs etl and checks what every error shares: the exit status, no password, an untouched output.
  RunResult ExpectEtlError(const std::vector<std::string>& args, int exit_code,
                           const std::vector<std::pair<std::string, std::string>>& env = {}) {
    std::vector<std::string> full = {"etl"};
    full.insert(full.end(), args.begin(), args.end());
    RunResult run = RunSicoop(full, env);
    EXPECT_EQ(run.exit_code, exit_code) << run.output;
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

TEST_F(EtlErrorsTest, MissingOptionsAreUsageErrors) {
  RunResult run = ExpectEtlError({"--output", "x"}, 2);
  EXPECT_NE(run.output.find("--db"), std::string::npos) << run.output;
}

TEST_F(EtlErrorsTest, MalformedUrlIsAUsageError) {
  RunResult run = ExpectEtlError({"--db", "postgresql//nope", "--output", output_.string()}, 2);
  EXPECT_NE(run.output.find("URL"), std::string::npos) << run.output;
}

TEST_F(EtlErrorsTest, BadDelimiterAndCardModeAreUsageErrors) {
  std::string url = PostgresUrl();
  ExpectEtlError({"--db", url, "--output", output_.string(), "--delimiter", ";;"}, 2);
  ExpectEtlError({"--db", url, "--output", output_.string(), "--card-number", "partial"}, 2);
  ExpectEtlError({"--db", url, "--output", output_.string(), "--spark", "http://host"}, 2);
}

TEST_F(EtlErrorsTest, UnreachableDatabaseNamesTheHost) {
  auto port = FindFreePort();
  ASSERT_TRUE(port.ok());
  std::string url = "postgresql://sicoop:secret@127.0.0.1:" + std::to_string(*port) + "/x";
  RunResult run = ExpectEtlError({"--db", url, "--output", output_.string(), "--spark", SparkUrl()}, 1);
  EXPECT_NE(run.output.find("127.0.0.1:" + std::to_string(*port)), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("secret"), std::string::npos) << run.output;
}

TEST_F(EtlErrorsTest, WrongPasswordIsRefusedWithoutEchoingIt) {
  std::string url = PostgresUrl();
  std::string wrong = url.substr(0, url.find(':', 14) + 1) + "Wr0ngPa55" + url.substr(url.find('@'));
  RunResult run = ExpectEtlError({"--db", wrong, "--output", output_.string(), "--spark", SparkUrl()}, 1);
  EXPECT_EQ(run.output.find("Wr0ngPa55"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("password"), std::string::npos) << run.output;
}

TEST_F(EtlErrorsTest, DatabaseWithoutTablesPointsAtDbInit) {
  std::string url = FreshDatabaseUrl(false);
  RunResult run = ExpectEtlError({"--db", url, "--output", output_.string(), "--spark", SparkUrl()}, 1);
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
  EXPECT_NE(run.output.find("/proc/sicoop-out"), std::string::npos) << run.output;
}

TEST_F(EtlErrorsTest, UnreachableSparkLeavesThePreviousFileUntouched) {
  fs::create_directories(output_);
  std::ofstream(output_ / "movimento_flat.csv") << "previous\n";
  auto port = FindFreePort();
  ASSERT_TRUE(port.ok());
  std::string spark = "sc://127.0.0.1:" + std::to_string(*port);
  RunResult run = RunSicoop({"etl", "--db", FreshDatabaseUrl(true), "--output", output_.string(), "--spark", spark});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find(spark), std::string::npos) << run.output;
  EXPECT_EQ(ReadWholeFile(output_ / "movimento_flat.csv"), "previous\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(output_), fs::directory_iterator()), 1);
}

TEST_F(EtlErrorsTest, NoJavaForTheEmbeddedSparkIsAClearError) {
  // No --spark: sicoop would start a local server, but Java is nowhere to be found.
  RunResult run = ExpectEtlError({"--db", FreshDatabaseUrl(true), "--output", output_.string()}, 1,
                                 {{"PATH", "/nonexistent"}, {"JAVA_HOME", "/nonexistent"},
                                  {"SICOOP_STATE_DIR", (root_ / "state").string()}});
  EXPECT_NE(run.output.find("Java"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace sicoop::testing
