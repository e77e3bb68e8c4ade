// The local Spark Connect server: `sicoop spark start|status|stop` in the state folder that
// SICOOP_STATE_DIR names, and `sicoop etl` without --spark, which uses that server when one runs and
// otherwise starts a private one that never outlives the run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "cli/local_servers_support.h"
#include "common/process.h"
#include "support/fresh_database.h"
#include "support/seeded_database.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

constexpr int kSeededMovimentos = 300;

// The first submatch of `pattern` in `text`, or "".
std::string Find(const std::string& text, const std::string& pattern) {
  std::smatch match;
  return std::regex_search(text, match, std::regex(pattern)) ? match[1].str() : "";
}

class SparkCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTestFolder("sicoop-spark-command");
    state_dir_ = root_ / "state";
    output_ = root_ / "out";
  }
  void TearDown() override {
    RunResult stop = Spark({"stop"});
    EXPECT_EQ(stop.exit_code, 0) << stop.output;
    KillProcessesWorkingUnder(root_);
    fs::remove_all(root_);
  }

  std::vector<std::pair<std::string, std::string>> Env() const {
    return {{"SICOOP_STATE_DIR", state_dir_.string()}, {"SICOOP_SPARK_MEMORY", "1g"}};
  }
  RunResult Spark(std::vector<std::string> args) {
    args.insert(args.begin(), "spark");
    return RunSicoop(args, Env());
  }

  // A PostgreSQL database of this test's own with the schema and kSeededMovimentos movimentos.
  std::string SeededDatabaseUrl() {
    return MakeSeededDatabase("postgres", kSeededMovimentos).url;
  }

  // `sicoop etl` without --spark, watching the processes that work below the state folder.
  WatchedRun EtlWithoutSpark(const std::string& url) {
    return RunSicoopWatching(state_dir_, {"etl", "--db", url, "--output", output_.string()}, Env());
  }

  void ExpectFlatFileOfTheSeed() {
    auto rows = ReadCsvFile(output_ / "movimento_flat.csv");
    ASSERT_EQ(rows.size(), static_cast<size_t>(kSeededMovimentos + 1));
    EXPECT_EQ(rows[0], FlatFileHeader());
  }

  fs::path root_, state_dir_, output_;
};

TEST_F(SparkCommandTest, WithoutAServerStatusFailsAndStopIsANoOp) {
  RunResult status = Spark({"status"});
  EXPECT_EQ(status.exit_code, 1) << status.output;
  EXPECT_NE(status.output.find("sicoop spark start"), std::string::npos) << status.output;
  EXPECT_NE(status.output.find(state_dir_.string()), std::string::npos) << status.output;
  RunResult stop = Spark({"stop"});
  EXPECT_EQ(stop.exit_code, 0) << stop.output;
  EXPECT_NE(stop.output.find("no local Spark Connect server runs"), std::string::npos) << stop.output;
  EXPECT_FALSE(fs::exists(state_dir_ / "server.state"));
}

TEST_F(SparkCommandTest, StateNamingAnotherProcessIsStaleAndThatProcessIsLeftAlone) {
  // A state file whose pid now belongs to some other program (pids are recycled).
  ProcessSpec sleeper;
  sleeper.argv = {"sleep", "60"};
  sleeper.new_session = true;
  auto pid = StartProcess(sleeper);
  ASSERT_TRUE(pid.ok()) << pid.status().message();
  fs::create_directories(state_dir_);
  std::ofstream(state_dir_ / "server.state") << "pid=" << *pid << "\nport=1\nlog=" << (state_dir_ / "server.log").string()
                                             << "\n";

  RunResult status = Spark({"status"});
  EXPECT_EQ(status.exit_code, 1) << status.output;
  EXPECT_FALSE(fs::exists(state_dir_ / "server.state")) << "a stale state file is removed";
  std::ofstream(state_dir_ / "server.state") << "pid=" << *pid << "\nport=1\n";
  RunResult stop = Spark({"stop"});
  EXPECT_EQ(stop.exit_code, 0) << stop.output;
  EXPECT_TRUE(IsProcessAlive(*pid)) << "stop signalled a process that is not a Spark Connect server";
  kill(*pid, SIGKILL);
  waitpid(*pid, nullptr, 0);
}

TEST_F(SparkCommandTest, StartStatusReuseByEtlAndStop) {
  RunResult start = Spark({"start"});
  ASSERT_EQ(start.exit_code, 0) << start.output;
  const std::string endpoint = Find(start.output, R"(endpoint +(sc://127\.0\.0\.1:\d+)\n)");
  const int port = std::atoi(Find(endpoint, R"(:(\d+)$)").c_str());
  const pid_t pid = std::atoi(Find(start.output, R"(pid +(\d+)\n)").c_str());
  ASSERT_GT(port, 0) << start.output;
  ASSERT_GT(pid, 0) << start.output;
  EXPECT_NE(start.output.find("log       " + (state_dir_ / "server.log").string()), std::string::npos)
      << "the log belongs in SICOOP_STATE_DIR: " << start.output;
  EXPECT_TRUE(ProcessRuns(pid));
  EXPECT_TRUE(PortAcceptsConnections("127.0.0.1", port));

  RunResult status = Spark({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_EQ(Find(status.output, R"(endpoint +(\S+)\n)"), endpoint) << status.output;
  EXPECT_EQ(Find(status.output, R"(pid +(\d+)\n)"), std::to_string(pid)) << status.output;
  EXPECT_TRUE(std::regex_search(status.output, std::regex(R"(version +Spark 4\.\d+\.\d+)"))) << status.output;

  RunResult again = Spark({"start"});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("already runs"), std::string::npos) << again.output;
  EXPECT_EQ(Find(again.output, R"(endpoint +(\S+)\n)"), endpoint) << again.output;
  RunResult other_port = Spark({"start", "--port", std::to_string(port == 65535 ? port - 1 : port + 1)});
  EXPECT_EQ(other_port.exit_code, 1) << other_port.output;
  EXPECT_NE(other_port.output.find("sicoop spark stop"), std::string::npos) << other_port.output;

  // etl without --spark uses the running server: no other one starts, and this one stays up.
  WatchedRun etl = EtlWithoutSpark(SeededDatabaseUrl());
  EXPECT_EQ(etl.run.exit_code, 0) << etl.run.output;
  ExpectFlatFileOfTheSeed();
  // A private server would work in a run-PID folder of its own. The running server may fork
  // short-lived helpers (Hadoop's file utilities) that show its command line in its folder: those
  // are not servers, so what counts is where each process works, and that the running one was seen.
  auto servers = WithCommandLine(etl.seen, kSparkConnectServerCommand);
  bool running_seen = false;
  for (const SeenProcess& server : servers) {
    EXPECT_EQ(fs::path(server.working_dir), state_dir_) << "another server ran (pid " << server.pid << ")";
    running_seen = running_seen || server.pid == pid;
  }
  EXPECT_TRUE(running_seen) << "the running server (pid " << pid << ") was not seen below " << state_dir_;
  EXPECT_TRUE(ProcessRuns(pid));

  RunResult stop = Spark({"stop"});
  EXPECT_EQ(stop.exit_code, 0) << stop.output;
  EXPECT_NE(stop.output.find(endpoint), std::string::npos) << stop.output;
  EXPECT_NE(kill(pid, 0), 0) << "pid " << pid << " survived 'sicoop spark stop'";
  EXPECT_FALSE(PortAcceptsConnections("127.0.0.1", port));
  RunResult after = Spark({"status"});
  EXPECT_EQ(after.exit_code, 1) << after.output;
  RunResult stop_again = Spark({"stop"});
  EXPECT_EQ(stop_again.exit_code, 0) << stop_again.output;
  EXPECT_NE(stop_again.output.find("no local Spark Connect server runs"), std::string::npos) << stop_again.output;
}

// The server of `sicoop spark start` killed while a run reuses it: the run fails at once naming that
// server, rather than reattaching to a dead port for a minute, and publishes nothing.
TEST_F(SparkCommandTest, EtlWhoseReusedServerIsKilledMidRunFailsNamingItAndPublishesNothing) {
  // Enough movimentos that Spark's JDBC read of them is seen in pg_stat_activity.
  FreshDatabase db = MakeSeededDatabase("postgres", 200000);
  ASSERT_TRUE(db.connection);
  RunResult start = Spark({"start"});
  ASSERT_EQ(start.exit_code, 0) << start.output;
  const pid_t server = std::atoi(Find(start.output, R"(pid +(\d+)\n)").c_str());
  ASSERT_GT(server, 0) << start.output;
  fs::create_directories(output_);
  std::ofstream(output_ / "movimento_flat.csv") << "previous\n";

  ProcessSpec etl;
  etl.argv = {SicoopBinary(), "etl", "--db", db.url, "--output", output_.string()};
  etl.env = Env();
  etl.log_file = (root_ / "etl.log").string();
  etl.working_dir = root_.string();  // so that TearDown kills it if an assertion ends the test early
  auto pid = StartProcess(etl);
  ASSERT_TRUE(pid.ok()) << pid.status().message();
  bool reading = false;
  for (int i = 0; i < 6000 && !reading && IsProcessAlive(*pid); ++i) {  // 120 s
    auto readers = db.connection->Query(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'PostgreSQL JDBC Driver' "
        "AND query LIKE '%movimento%' AND state = 'active'");
    ASSERT_TRUE(readers.ok()) << readers.status().message();
    reading = (*readers)[0][0] != "0";
    if (!reading) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(server, SIGKILL);
  int status = 0;
  waitpid(*pid, &status, 0);
  const std::string log = ReadWholeFile(etl.log_file);
  ASSERT_TRUE(reading) << "Spark never read movimento while sicoop ran: " << log;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << "status " << status << ": " << log;
  EXPECT_NE(log.find("the local Spark Connect server of `sicoop spark start` (pid " + std::to_string(server) +
                     ") has stopped (`sicoop spark stop`, killed, or out of memory?); run again"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("could not reattach"), std::string::npos) << log;
  EXPECT_EQ(ReadWholeFile(output_ / "movimento_flat.csv"), "previous\n");
  for (const auto& entry : fs::directory_iterator(output_)) {
    EXPECT_EQ(entry.path().filename().string().rfind(".movimento_flat.staging-", 0), std::string::npos)
        << "staging folder left: " << entry.path();
  }
}

TEST_F(SparkCommandTest, EtlWithoutAServerStartsAPrivateOneAndStopsIt) {
  // The folder an interrupted run left behind: its sicoop process is gone.
  pid_t gone = fork();
  if (gone == 0) _exit(0);
  ASSERT_GT(gone, 0);
  waitpid(gone, nullptr, 0);
  fs::create_directories(state_dir_ / ("run-" + std::to_string(gone)));
  std::ofstream(state_dir_ / ("run-" + std::to_string(gone)) / "server.log") << "an earlier run\n";

  WatchedRun etl = EtlWithoutSpark(SeededDatabaseUrl());
  ASSERT_EQ(etl.run.exit_code, 0) << etl.run.output;
  ExpectFlatFileOfTheSeed();

  auto servers = WithCommandLine(etl.seen, kSparkConnectServerCommand);
  ASSERT_FALSE(servers.empty()) << "no Spark Connect server was seen working below " << state_dir_;
  for (const auto& process : StillRunning(etl.seen, std::chrono::seconds(5))) {
    ADD_FAILURE() << "outlived the run: pid " << process.pid << " in " << process.working_dir << ": "
                  << process.command_line;
  }
  EXPECT_TRUE(ProcessesWorkingUnder(state_dir_).empty());
  EXPECT_FALSE(fs::exists(state_dir_ / "server.state")) << "the private server is not the shared one";
  for (const auto& entry : fs::directory_iterator(state_dir_)) {
    ADD_FAILURE() << entry.path() << " is left behind";
  }
}

}  // namespace
}  // namespace sicoop::testing
