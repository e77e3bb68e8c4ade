// `sicoop demo`: a throwaway PostgreSQL and a local Spark, the whole pipeline, one CSV file, and
// neither server left running nor their folders left on disk, also when the demo is interrupted.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>

#include "cli/local_servers_support.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

class DemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTestFolder("sicoop-demo");
    temp_ = root_ / "tmp";
    state_ = root_ / "state";
    output_ = root_ / "out";
    fs::create_directories(temp_);
  }
  void TearDown() override {
    KillProcessesWorkingUnder(root_);
    fs::remove_all(root_);
  }

  WatchedRun Demo(const InterruptWhen& interrupt = {}) {
    return RunSicoopWatching(root_, {"demo", "--output", output_.string(), "--movimentos", "2000"},
                             {{"TMPDIR", temp_.string()},
                              {"SICOOP_STATE_DIR", state_.string()},
                              {"SICOOP_SPARK_MEMORY", "1g"}},
                             interrupt);
  }

  // Whether a process whose command line contains `command` was seen working below `folder`.
  static bool SeenBelow(const std::vector<SeenProcess>& seen, const fs::path& folder, const std::string& command) {
    for (const auto& process : WithCommandLine(seen, command)) {
      if (process.working_dir.rfind(folder.string() + "/", 0) == 0) return true;
    }
    return false;
  }

  // Every process the demo started (seen, or still working below the test's folder) ends within `grace`.
  void ExpectNoneRuns(std::vector<SeenProcess> seen, std::chrono::seconds grace) {
    auto now = ProcessesWorkingUnder(root_);
    seen.insert(seen.end(), now.begin(), now.end());
    for (const auto& process : StillRunning(seen, grace)) {
      ADD_FAILURE() << "outlived the demo by " << grace.count() << " s: pid " << process.pid << " in "
                    << process.working_dir << ": " << process.command_line;
    }
  }

  fs::path root_;
  fs::path temp_;    // TMPDIR: where the throwaway PostgreSQL makes its folder
  fs::path state_;   // SICOOP_STATE_DIR: where the local Spark Connect server works
  fs::path output_;
};

TEST_F(DemoTest, WritesEveryMovimentoAndLeavesNoServerBehind) {
  WatchedRun demo = Demo();
  EXPECT_EQ(demo.run.exit_code, 0) << demo.run.output;
  const fs::path file = output_ / "movimento_flat.csv";
  auto rows = ReadCsvFile(file);
  EXPECT_EQ(rows.size(), 2001u);
  if (!rows.empty()) {
    EXPECT_EQ(rows[0], FlatFileHeader());
  }
  EXPECT_NE(demo.run.output.find("2000 rows written to " + file.string()), std::string::npos) << demo.run.output;
  // Through the lake: its manifest says 2000 movimentos ingested and 2000 exported.
  EXPECT_NE(demo.run.output.find("ingest: movimento +2000 rows"), std::string::npos) << demo.run.output;

  EXPECT_TRUE(SeenBelow(demo.seen, temp_, "postgres")) << "no PostgreSQL was seen working below " << temp_;
  EXPECT_TRUE(SeenBelow(demo.seen, state_, kSparkConnectServerCommand))
      << "no Spark Connect server was seen below " << state_;
  ExpectNoneRuns(demo.seen, std::chrono::seconds(5));
  EXPECT_TRUE(fs::is_empty(temp_)) << "the throwaway PostgreSQL's folder is still in " << temp_;
}

TEST_F(DemoTest, InterruptedWhileSparkStartsLeavesNoServerBehind) {
  // SIGTERM as soon as the Spark Connect server's process exists: PostgreSQL runs, Spark starts up.
  WatchedRun demo = Demo([this](const std::vector<SeenProcess>& seen) {
    return SeenBelow(seen, state_, kSparkConnectServerCommand);
  });
  EXPECT_EQ(demo.run.exit_code, 128 + SIGTERM) << demo.run.output;
  EXPECT_TRUE(SeenBelow(demo.seen, temp_, "postgres")) << "no PostgreSQL was seen working below " << temp_;
  EXPECT_FALSE(fs::exists(output_ / "movimento_flat.csv"));

  // The signal handlers stop PostgreSQL before sicoop dies; Spark gets SIGTERM and shuts down.
  EXPECT_TRUE(fs::is_empty(temp_)) << "the throwaway PostgreSQL's folder is still in " << temp_;
  ExpectNoneRuns(demo.seen, std::chrono::seconds(30));
}

}  // namespace
}  // namespace sicoop::testing
