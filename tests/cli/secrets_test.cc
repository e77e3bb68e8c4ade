// The database password stays out of everything Spark shows: a real `sicoop etl` on PostgreSQL and
// on MariaDB, each with a distinctive password read from a password file, against a Spark Connect
// server whose web UI is on; then every page of that UI is fetched, link by link from its front
// page, and searched for the password. The pages are checked to show what they are about (the
// Connect sessions, their plans, the SQL executions), so that empty pages cannot pass. The same for
// the key of the lake's card token after a query that computes tokens.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cli/local_servers_support.h"
#include "common/environment.h"
#include "common/process.h"
#include "db/db_url.h"
#include "lake/card_token.h"
#include "local/local_server.h"
#include "spark/session.h"
#include "support/fresh_database.h"
#include "support/seeded_database.h"
#include "support/spark_ui_crawl.h"
#include "support/ports.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

constexpr const char* kPassword = "Pw-9f3k-UNIQUE";
constexpr int kSeededMovimentos = 200;
class SparkUiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTestFolder("sicoop-secrets");
    reader_ = "ui_reader_" + std::to_string(getpid());
    password_file_ = root_ / "db-password";
    std::ofstream(password_file_) << kPassword << "\n";  // as `echo` or a Secret's editor leaves it
  }

  void TearDown() override {
    Status stopped = local::StopLocalServer(root_ / "spark");
    EXPECT_TRUE(stopped.ok()) << stopped.message();
    KillProcessesWorkingUnder(root_);
    if (postgres_.connection) {
      EXPECT_TRUE(postgres_.connection->Execute("DROP OWNED BY " + reader_).ok());
      EXPECT_TRUE(postgres_.connection->Execute("DROP ROLE " + reader_).ok());
    }
    if (mysql_.connection) {
      EXPECT_TRUE(mysql_.connection->Execute("DROP USER '" + reader_ + "'@'127.0.0.1'").ok());
    }
    fs::remove_all(root_);
  }

  // A seeded database of this test's own, readable by the user reader_, who has kPassword, and that
  // user's URL without a password.
  std::string SeededDatabaseForTheReader(const std::string& dialect, FreshDatabase& fresh) {
    fresh = MakeSeededDatabase(dialect, kSeededMovimentos);
    if (!fresh.connection) return "";
    auto url = db::ParseDbUrl(fresh.url);
    EXPECT_TRUE(url.ok());
    if (!url.ok()) return "";
    const std::string password = std::string("'") + kPassword + "'";
    if (dialect == "postgres") {
      (void)fresh.connection->Execute("DROP ROLE IF EXISTS " + reader_);
      EXPECT_TRUE(fresh.connection->Execute("CREATE ROLE " + reader_ + " LOGIN PASSWORD " + password).ok());
      EXPECT_TRUE(fresh.connection->Execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + reader_).ok());
    } else {
      const std::string user = "'" + reader_ + "'@'127.0.0.1'";
      (void)fresh.connection->Execute("DROP USER IF EXISTS " + user);
      EXPECT_TRUE(fresh.connection->Execute("CREATE USER " + user + " IDENTIFIED BY " + password).ok());
      EXPECT_TRUE(fresh.connection->Execute("GRANT SELECT ON " + url->database + ".* TO " + user).ok());
    }
    return std::string(dialect == "postgres" ? "postgresql://" : "mysql://") + reader_ + "@" + url->Endpoint() + "/" +
           url->database;
  }

  void ExpectEtlWritesTheSeed(const std::vector<std::string>& args, const std::vector<std::pair<std::string, std::string>>& env,
                              const std::string& name) {
    const fs::path output = root_ / name;
    std::vector<std::string> full = {"etl", "--spark", spark_.endpoint().Redacted(), "--output", output.string()};
    full.insert(full.end(), args.begin(), args.end());
    RunResult run = RunSicoop(full, env);
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(run.output.find(kPassword), std::string::npos) << run.output;
    EXPECT_EQ(ReadCsvFile(output / "movimento_flat.csv").size(), static_cast<size_t>(kSeededMovimentos + 1));
  }

  // Starts this test's Spark Connect server with its web UI on.
  void StartSparkWithItsUi() { testing::StartSparkWithItsUi(root_ / "spark", spark_); }

  fs::path root_, password_file_;
  std::string reader_;
  FreshDatabase postgres_, mysql_;
  local::LocalServerState spark_;
};

TEST_F(SparkUiTest, NoPageOfTheSparkUiShowsThePasswordOfAnEtl) {
  const std::string postgres = SeededDatabaseForTheReader("postgres", postgres_);
  const std::string mysql = SeededDatabaseForTheReader("mysql", mysql_);
  ASSERT_FALSE(postgres.empty() || mysql.empty());
  ASSERT_NO_FATAL_FAILURE(StartSparkWithItsUi());

  // Both ways to name a password file.
  ExpectEtlWritesTheSeed({"--db", postgres, "--db-password-file", password_file_.string()}, {}, "postgres");
  ExpectEtlWritesTheSeed({"--db", mysql}, {{"SICOOP_DB_PASSWORD_FILE", password_file_.string()}}, "mysql");

  Crawl crawl = CrawlUi(spark_.ui_port, SparkUiSections());
  EXPECT_TRUE(crawl.failures.empty()) << crawl.failures.size() << " pages failed, the first: " << crawl.failures.front();
  for (const auto& [path, body] : crawl.pages) {
    const size_t at = body.find(kPassword);
    EXPECT_EQ(at, std::string::npos) << path << " shows the password: ..."
                                     << std::regex_replace(body.substr(at < 300 ? 0 : at - 300, 400),
                                                           std::regex(kPassword), "<THE PASSWORD>");
  }
  EXPECT_EQ(ReadWholeFile(spark_.log_file).find(kPassword), std::string::npos) << "the server's log holds the password";

  // What was searched: each section with its detail pages, and the plans of the JDBC reads with
  // their options (the JDBC URL of each database) on the Connect and SQL pages.
  for (const char* section : {"/jobs/", "/stages/", "/environment/", "/executors/", "/SQL/", "/connect/"}) {
    EXPECT_EQ(crawl.pages.count(section), 1u) << section << " not fetched";
  }
  EXPECT_GE(CountPagesStartingWith(crawl, "/connect/session/?id="), 2u) << "the sessions of the two runs";
  EXPECT_GE(CountPagesStartingWith(crawl, "/SQL/execution/?id="), 2u);
  EXPECT_GE(CountPagesStartingWith(crawl, "/jobs/job/?id="), 2u);
  EXPECT_GE(CountPagesStartingWith(crawl, "/stages/stage/?id="), 2u);
  for (const char* jdbc_url : {"jdbc:postgresql://", "jdbc:mysql://"}) {
    bool shown = false;
    for (const auto& [path, body] : crawl.pages) {
      shown = shown || (path.rfind("/connect/", 0) == 0 && body.find(jdbc_url) != std::string::npos);
    }
    EXPECT_TRUE(shown) << "no Connect page shows the plan of a read from " << jdbc_url;
  }
  RecordProperty("ui_pages_fetched", static_cast<int>(crawl.pages.size()));
}

// The key of the card token reaches Spark inside the query, as its two HMAC pads (the key XOR 0x36
// and XOR 0x5c): after Spark computed a token (the value Python's hmac gives, written below), no
// page of the UI nor the server's log shows the key, in text or hex, nor the hex of either pad; the
// Connect pages show the token's query, with the pads blanked out, and the SQL tab its plan.
TEST_F(SparkUiTest, NoPageOfTheSparkUiShowsTheCardTokenKey) {
  const std::string key_text = "UiCardKey-5rT8-never-on-a-page-42";
  // The first 16 bytes of each, in hex: what would show of a key or a pad cut short.
  const std::vector<std::string> secrets = {key_text, "5569436172644B65792D357254382D6E",
                                            "635F755744527D534F1B0344620E1B58", "09351F3D2E3817392571692E08647132"};
  auto key = lake::CardTokenKey::FromText(key_text);
  ASSERT_TRUE(key.ok()) << key.status().message();
  ASSERT_NO_FATAL_FAILURE(StartSparkWithItsUi());
  {
    auto session = spark::SparkSession::Connect(spark_.endpoint());
    ASSERT_TRUE(session.ok()) << session.status().message();
    // From range(), which Spark runs as a job, with an execution on the SQL tab (VALUES is answered
    // from the plan alone).
    auto rows = (*session)
                    ->Sql("SELECT " + lake::CardTokenSql(*key, "n") +
                          " AS card_token FROM (SELECT CAST(4111111111111111 + id AS STRING) AS n FROM range(1))")
                    .Collect();
    ASSERT_TRUE(rows.ok()) << rows.status().message();
    ASSERT_EQ(rows->rows.size(), 1u);
    EXPECT_EQ(rows->rows[0][0], "d18b63e1cda994af4d65d6cf8b72b341abc1e07e655fa55253a0cff304bd268a");
  }

  Crawl crawl = CrawlUi(spark_.ui_port, SparkUiSections());
  EXPECT_TRUE(crawl.failures.empty()) << crawl.failures.size() << " pages failed, the first: " << crawl.failures.front();
  const std::string log = ReadWholeFile(spark_.log_file);
  for (const std::string& secret : secrets) {
    std::string lowercase = secret;
    for (char& c : lowercase) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const std::string& form : {secret, lowercase}) {
      for (const auto& [path, body] : crawl.pages) {
        const size_t at = body.find(form);
        EXPECT_EQ(at, std::string::npos) << path << " shows " << form << ": ..."
                                         << body.substr(at < 300 ? 0 : at - 300, 400);
      }
      EXPECT_EQ(log.find(form), std::string::npos) << "the server's log holds " << form;
    }
  }
  // What was searched: the token's query on the Connect pages (its SQL text, the pads' literals
  // marked and blanked) and its physical plan on the SQL tab (the pads read from VALUES tables).
  for (const auto& [section, shows] : std::vector<std::pair<std::string, std::string>>{
           {"/connect/", std::string(spark::kSecretLiteralMarker) + "*********(redacted)"},
           {"/SQL/execution/", "sha2(unhex(concat(Subquery"}}) {
    bool shown = false;
    for (const auto& [path, body] : crawl.pages) {
      shown = shown || (path.rfind(section, 0) == 0 && body.find(shows) != std::string::npos);
    }
    EXPECT_TRUE(shown) << "no page under " << section << " shows " << shows;
  }
}

// The command line as `ps` and /proc/PID/cmdline show it to every local user: sicoop hides the
// database password and the Spark Connect token in it as soon as it runs. The database port is
// silent, so sicoop waits there, with its command line readable, until the test ends it.
TEST(CommandLineTest, PasswordAndTokenAreHiddenFromProcessListings) {
  HeldPort silent(HeldPort::Kind::kSilent);
  ASSERT_GT(silent.port(), 0);
  const fs::path root = MakeTestFolder("sicoop-command-line");
  ProcessSpec spec;
  spec.argv = {SicoopBinary(), "etl", "--db=postgresql://u:Secr3t-UNIQUE@127.0.0.1:" + std::to_string(silent.port()) + "/d",
               "--spark", "sc://127.0.0.1:1/;token=Tok-UNIQUE;use_ssl=true", "--output", (root / "out").string()};
  spec.log_file = (root / "sicoop.log").string();
  auto pid = StartProcess(spec);
  ASSERT_TRUE(pid.ok()) << pid.status().message();
  // Once the process is sicoop (not the fork before its exec) and main has run, the URLs show
  // asterisks where the secrets were; a command line that never does fails after the wait.
  std::string command_line;
  for (int look = 0; look < 500 && command_line.find("token=*") == std::string::npos; ++look) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    command_line = ReadWholeFile("/proc/" + std::to_string(*pid) + "/cmdline");
    for (char& c : command_line) c = c == '\0' ? ' ' : c;
  }
  kill(*pid, SIGKILL);
  waitpid(*pid, nullptr, 0);
  const std::string printed = ReadWholeFile(root / "sicoop.log");
  fs::remove_all(root);

  EXPECT_NE(command_line.find("--db=postgresql://u:*************@127.0.0.1:"), std::string::npos) << command_line;
  EXPECT_NE(command_line.find("sc://127.0.0.1:1/;token=**********;use_ssl=true"), std::string::npos) << command_line;
  EXPECT_EQ(command_line.find("UNIQUE"), std::string::npos) << command_line;
  EXPECT_EQ(printed.find("UNIQUE"), std::string::npos) << printed;
}

}  // namespace
}  // namespace sicoop::testing
