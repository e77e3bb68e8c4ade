// A database or a Spark endpoint that does not answer ends `sicoop` with exit 1 and a message that
// names it, instead of a wait without end: a PostgreSQL of the test's own stopped (SIGSTOP) before
// the run and while Spark reads it over JDBC, a closed Spark port. The previous movimento_flat.csv
// stays as it was. The harness PostgreSQL is shared with other tests and is never stopped.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "db/connection.h"
#include "local/local_postgres.h"
#include "support/files.h"
#include "support/ports.h"
#include "support/run_sicoop.h"
#include "support/stopped_processes.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPrevious = "the previous run's file\n";

class EtlTimeoutTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = local::LocalPostgres::Start();
    ASSERT_TRUE(started.ok()) << started.status().message();
    server_ = started->release();
    RunResult init = RunSicoop({"db", "init", "--db", server_->url()});
    ASSERT_EQ(init.exit_code, 0) << init.output;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    output_ = MakeTestFolder("sicoop-timeouts");
    std::ofstream(output_ / "movimento_flat.csv") << kPrevious;
  }
  void TearDown() override { fs::remove_all(output_); }

  static std::unique_ptr<StoppedProcesses> StopServer() {
    return std::make_unique<StoppedProcesses>(PidFromFile(server_->folder() + "/data/postmaster.pid"));
  }
  static std::string Endpoint() {
    auto url = db::ParseDbUrl(server_->url());
    return url.ok() ? url->Endpoint() : "";
  }

  // The previous file is byte for byte what it was, and nothing else of the run stayed behind.
  void ExpectPreviousOutputUntouched() {
    EXPECT_EQ(ReadWholeFile(output_ / "movimento_flat.csv"), kPrevious);
    for (const auto& entry : fs::directory_iterator(output_)) {
      EXPECT_EQ(entry.path().filename().string().find("staging"), std::string::npos) << entry.path();
    }
  }

  static local::LocalPostgres* server_;
  fs::path output_;
};

local::LocalPostgres* EtlTimeoutTest::server_ = nullptr;

TEST_F(EtlTimeoutTest, DatabaseStoppedBeforeTheRunEndsInATimeoutError) {
  auto stopped = StopServer();
  SplitRunResult run = RunSicoopSplit({"etl", "--db", server_->url(), "--output", output_.string(), "--spark",
                                       SparkUrl(), "--db-timeout", "3"},
                                      {}, std::chrono::seconds(120));
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("PostgreSQL at " + Endpoint()), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("no answer within 3 s"), std::string::npos) << run.err;
  ExpectPreviousOutputUntouched();

  SplitRunResult init = RunSicoopSplit({"db", "init", "--db", server_->url(), "--db-timeout", "2"}, {},
                                       std::chrono::seconds(120));
  EXPECT_EQ(init.exit_code, 1) << init.err;
  EXPECT_NE(init.err.find("no answer within 2 s"), std::string::npos) << init.err;
}

TEST_F(EtlTimeoutTest, DatabaseStoppedWhileSparkReadsEndsAtTheJdbcTimeouts) {
  // Enough rows, in enough slices, that Spark reads for a while.
  RunResult seed = RunSicoop({"db", "seed", "--db", server_->url(), "--movimentos", "200000"});
  ASSERT_EQ(seed.exit_code, 0) << seed.output;
  std::optional<SplitRunResult> run;
  std::thread etl([&] {
    run = RunSicoopSplit({"etl", "--db", server_->url(), "--output", output_.string(), "--spark", SparkUrl(),
                          "--partitions", "16", "--db-timeout", "4"},
                         {}, std::chrono::seconds(300));
  });
  // Stops the server once Spark's JDBC sessions are there: some slices are then being read, the
  // rest (more slices than task slots) not started yet.
  std::unique_ptr<StoppedProcesses> stopped;
  {
    auto url = db::ParseDbUrl(server_->url());
    ASSERT_TRUE(url.ok()) << url.status().message();
    auto watch = db::Connect(*url);
    ASSERT_TRUE(watch.ok()) << watch.status().message();
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(240);
    while (!stopped && std::chrono::steady_clock::now() < give_up) {
      auto readers = (*watch)->Query(
          "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'PostgreSQL JDBC Driver' "
          "AND query LIKE '%movimento%' AND state = 'active'");
      ASSERT_TRUE(readers.ok()) << readers.status().message();
      if ((*readers)[0][0] != "0") {
        stopped = StopServer();
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }
  etl.join();
  ASSERT_TRUE(stopped) << "Spark never read movimento";
  ASSERT_TRUE(run);
  EXPECT_EQ(run->exit_code, 1) << run->err;
  EXPECT_NE(run->err.find("PostgreSQL at " + Endpoint() + " sent nothing for 4 s"), std::string::npos) << run->err;
  // The slice being read ends at the socket timeout; a slice that starts after the stop ends at the
  // connect timeout instead. Spark fails the job at whichever task fails first; both are --db-timeout.
  const bool read_timed_out = run->err.find("Read timed out") != std::string::npos;
  const bool connect_timed_out = run->err.find("Connection attempt timed out") != std::string::npos;
  EXPECT_TRUE(read_timed_out || connect_timed_out) << run->err;
  ExpectPreviousOutputUntouched();
}

TEST_F(EtlTimeoutTest, ClosedSparkPortFailsAtOnceNamingIt) {
  HeldPort closed(HeldPort::Kind::kRefusing);
  ASSERT_NE(closed.port(), 0);
  const std::string spark = "sc://127.0.0.1:" + std::to_string(closed.port());
  SplitRunResult run = RunSicoopSplit({"etl", "--db", server_->url(), "--output", output_.string(), "--spark", spark},
                                      {}, std::chrono::seconds(60));
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("cannot reach Spark Connect at " + spark + ": nothing listens on 127.0.0.1:" +
                         std::to_string(closed.port()) + " (connection refused)"),
            std::string::npos)
      << run.err;
  ExpectPreviousOutputUntouched();
}

}  // namespace
}  // namespace sicoop::testing
