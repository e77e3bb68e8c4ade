// Ctrl-C during `sicoop etl` on a warm Spark Connect server (one that outlives the run): sicoop
// interrupts the run's Spark operation before it ends with 130, so the server stops the job instead
// of writing every part; nothing is published and no file of the run stays. What the server still
// runs is read from its own operation list: the jobs and SQL executions of Spark's REST API, on the
// web UI of a server this test starts (the fixture's server runs without one).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "cli/local_servers_support.h"
#include "common/environment.h"
#include "common/process.h"
#include "local/local_server.h"
#include "support/files.h"
#include "support/http_get.h"
#include "support/seeded_database.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPrevious = "the previous run's file\n";
// Enough rows that Spark's write, in 16 slices, runs for several seconds.
constexpr int kMovimentos = 300'000;

int CountMatches(const std::string& text, const std::regex& pattern) {
  return static_cast<int>(std::distance(std::sregex_iterator(text.begin(), text.end(), pattern), std::sregex_iterator()));
}

// What the server's REST API says it runs now; -1 in `jobs` when it did not answer.
struct Running {
  int jobs = -1;
  int sql_executions = -1;
  std::string answers;  // the raw answers, for a failure's message
};

class InterruptTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = MakeTestFolder("sicoop-interrupt"); }
  void TearDown() override {
    Status stopped = local::StopLocalServer(root_ / "spark");
    EXPECT_TRUE(stopped.ok()) << stopped.message();
    KillProcessesWorkingUnder(root_);
    fs::remove_all(root_);
  }

  // The id of the server's one application, from GET /api/v1/applications.
  std::string ApplicationId() {
    HttpResponse apps = HttpGet(spark_.ui_port, "/api/v1/applications");
    std::smatch id;
    if (apps.status != 200 || !std::regex_search(apps.body, id, std::regex(R"re("id"\s*:\s*"([^"]+)")re"))) {
      ADD_FAILURE() << "no application in the REST API's answer (" << apps.status << "): " << apps.body;
      return "";
    }
    return id[1].str();
  }

  Running WhatRuns(const std::string& app) {
    Running running;
    HttpResponse jobs = HttpGet(spark_.ui_port, "/api/v1/applications/" + app + "/jobs?status=running");
    HttpResponse sql = HttpGet(spark_.ui_port, "/api/v1/applications/" + app + "/sql?details=false");
    running.answers = "jobs: " + jobs.body + "\nsql: " + sql.body;
    if (jobs.status != 200 || sql.status != 200) return running;
    running.jobs = CountMatches(jobs.body, std::regex(R"("jobId"\s*:)"));
    running.sql_executions = CountMatches(sql.body, std::regex(R"("status"\s*:\s*"RUNNING")"));
    return running;
  }

  // Every file below `folder` but the previous movimento_flat.csv and the folder's lock: a part of
  // Spark's write, its checksum, a temporary file of the publication. Folders are not counted: a
  // task that Spark stops may still have made its empty folders after sicoop removed the staging
  // folder; the next run in the folder removes them (pipeline/csv_output.h).
  std::vector<std::string> FilesOfTheRunUnder(const fs::path& folder) {
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_directory()) continue;
      const std::string name = it->path().filename().string();
      const bool kept = it->path().parent_path() == folder &&
                        (name == "movimento_flat.csv" || name.rfind(".movimento_flat.lock", 0) == 0);
      if (!kept) files.push_back(it->path().string());
    }
    return files;
  }

  fs::path root_;
  local::LocalServerState spark_;
};

TEST_F(InterruptTest, CtrlCDuringEtlOnAWarmServerStopsItsJobAndPublishesNothing) {
  FreshDatabase db = MakeSeededDatabase("postgres", kMovimentos);
  ASSERT_TRUE(db.connection);

  ASSERT_NO_FATAL_FAILURE(StartSparkWithItsUi(root_ / "spark", spark_));
  const std::string app = ApplicationId();
  ASSERT_FALSE(app.empty());

  const fs::path output = root_ / "out";
  fs::create_directories(output);
  std::ofstream(output / "movimento_flat.csv") << kPrevious;

  ProcessSpec etl;
  etl.argv = {SicoopBinary(), "etl", "--db", db.url, "--spark", spark_.endpoint().Redacted(), "--output",
              output.string(), "--partitions", "16"};
  etl.log_file = (root_ / "etl.log").string();
  auto pid = StartProcess(etl);
  ASSERT_TRUE(pid.ok()) << pid.status().message();

  // Spark runs the write once its JDBC sessions read movimento; the REST API then lists the job.
  Running before;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(240);
  while (IsProcessAlive(*pid) && std::chrono::steady_clock::now() < give_up) {
    auto readers = db.connection->Query(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'PostgreSQL JDBC Driver' "
        "AND query LIKE '%movimento%' AND state = 'active'");
    ASSERT_TRUE(readers.ok()) << readers.status().message();
    if ((*readers)[0][0] != "0") {
      before = WhatRuns(app);
      if (before.jobs > 0) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const bool reading = IsProcessAlive(*pid) && before.jobs > 0;
  const auto interrupted_at = std::chrono::steady_clock::now();
  kill(*pid, reading ? SIGINT : SIGKILL);
  int status = 0;
  waitpid(*pid, &status, 0);
  const auto ended_after = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - interrupted_at);
  ASSERT_TRUE(reading) << "Spark never ran the job while sicoop ran: " << ReadWholeFile(etl.log_file) << "\n"
                       << before.answers;
  const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  EXPECT_EQ(exit_code, 130) << ReadWholeFile(etl.log_file);
  std::cout << "sicoop ended " << ended_after.count() << " ms after Ctrl-C\n";

  // The server's operation list: no job and no SQL execution runs any more.
  Running after;
  for (int i = 0; i < 600; ++i) {  // 60 s
    after = WhatRuns(app);
    if (after.jobs == 0 && after.sql_executions == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(after.jobs, 0) << after.answers;
  EXPECT_EQ(after.sql_executions, 0) << after.answers;

  // Nothing published, and no file of the run left behind or written after the job stopped.
  EXPECT_EQ(ReadWholeFile(output / "movimento_flat.csv"), kPrevious);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // room for a late part to show, not a wait for one
  EXPECT_EQ(FilesOfTheRunUnder(output), std::vector<std::string>{});
}

}  // namespace
}  // namespace sicoop::testing
