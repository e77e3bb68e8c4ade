// `sicoop etl` without --spark and without a running `sicoop spark start` server runs on a private
// Spark Connect server, which must die with it: SIGKILL of sicoop while Spark writes leaves no JVM of
// that run, and nothing writes into the output folder afterwards. The same run shows what the other
// users of the machine can see of it: sicoop's command line without the password given in the URL,
// the server's environment without sicoop's secret variables, and the warning about the URL.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cli/local_servers_support.h"
#include "common/process.h"
#include "support/fresh_database.h"
#include "support/seeded_database.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Enough for Spark to write for a few seconds, so that the kill lands while it writes.
constexpr int kSeededMovimentos = 50000;
// The harness password, as it is and as the URL carries it.
constexpr const char* kHarnessPassword = "p@ss:w0rd/%";
constexpr const char* kEncodedHarnessPassword = "p%40ss%3Aw0rd%2F%25";
// Secret variables in sicoop's environment, none of which its Spark server may inherit.
const std::vector<std::pair<std::string, std::string>> kSecretVariables = {
    {"SICOOP_DB_PASSWORD", "secret-value-1"},       {"SICOOP_DB_PASSWORD_FILE", "/secret-value-2"},
    {"PGPASSWORD", "secret-value-3"},               {"MYSQL_PWD", "secret-value-4"},
    {"AWS_SECRET_ACCESS_KEY", "secret-value-5"},    {"AWS_SESSION_TOKEN", "secret-value-6"}};

std::string ReadProcFile(pid_t pid, const std::string& name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + name, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (char& c : content) c = c == '\0' ? '\n' : c;
  return content;
}

// A Spark job has begun to write below `output`: its committer's _temporary folder exists there
// (in the parts folder of a staging folder).
bool SparkWritesInto(const fs::path& output) {
  std::error_code error;
  for (fs::recursive_directory_iterator it(output, error), end; !error && it != end; it.increment(error)) {
    if (it->path().filename() == "_temporary") return true;
  }
  return false;
}

std::vector<std::string> EntriesOf(const fs::path& folder) {
  std::vector<std::string> entries;
  std::error_code error;
  for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
    entries.push_back(it->path().filename().string());
  }
  return entries;
}

class PrivateServerTest : public ::testing::Test {
 protected:
  void SetUp() override { root_ = MakeTestFolder("sicoop-private-server"); }
  void TearDown() override {
    if (sicoop_ > 0 && waitpid(sicoop_, nullptr, WNOHANG) == 0) {
      kill(sicoop_, SIGKILL);
      waitpid(sicoop_, nullptr, 0);
    }
    KillProcessesWorkingUnder(root_);
    fs::remove_all(root_);
  }
  fs::path root_;
  pid_t sicoop_ = 0;
};

TEST_F(PrivateServerTest, SigkillOfEtlTakesItsServerAlongAndHidesItsSecrets) {
  FreshDatabase fresh = MakeSeededDatabase("postgres", kSeededMovimentos);
  ASSERT_TRUE(fresh.connection);
  ASSERT_NE(fresh.url.find(kEncodedHarnessPassword), std::string::npos) << "the URL carries the password";

  const fs::path state_dir = root_ / "state", output = root_ / "out", log = root_ / "sicoop.log";
  ProcessSpec spec;
  spec.argv = {SicoopBinary(), "etl", "--db", fresh.url, "--output", output.string()};
  spec.env = {{"SICOOP_STATE_DIR", state_dir.string()}, {"SICOOP_SPARK_MEMORY", "1g"}};
  spec.env.insert(spec.env.end(), kSecretVariables.begin(), kSecretVariables.end());
  spec.log_file = log.string();
  auto started = StartProcess(spec);
  ASSERT_TRUE(started.ok()) << started.status().message();
  sicoop_ = *started;

  // Until Spark writes: the server is found by its working folder below the state folder.
  pid_t server = 0;
  std::string server_environment, sicoop_command_line;
  const auto deadline = Clock::now() + std::chrono::seconds(300);
  while (!SparkWritesInto(output) && Clock::now() < deadline && waitpid(sicoop_, nullptr, WNOHANG) == 0) {
    if (server == 0) {
      auto servers = WithCommandLine(ProcessesWorkingUnder(state_dir), kSparkConnectServerCommand);
      if (!servers.empty()) {
        server = servers.front().pid;
        sicoop_command_line = ReadProcFile(sicoop_, "cmdline");  // long after main hid the password
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(SparkWritesInto(output)) << "sicoop ended or Spark did not write in time:\n" << ReadWholeFile(log);
  ASSERT_GT(server, 0) << "no Spark Connect server was seen below " << state_dir;
  server_environment = ReadProcFile(server, "environ");  // the JVM's by now: spark-submit exec'd it
  ASSERT_EQ(kill(sicoop_, SIGKILL), 0);
  const auto killed_at = Clock::now();
  waitpid(sicoop_, nullptr, 0);

  // Within a bounded wait, no process of the run remains.
  std::vector<SeenProcess> remaining = ProcessesWorkingUnder(state_dir);
  while (!remaining.empty() && Clock::now() - killed_at < std::chrono::seconds(60)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    remaining = ProcessesWorkingUnder(state_dir);
  }
  for (const SeenProcess& process : remaining) {
    ADD_FAILURE() << "outlived the killed sicoop: pid " << process.pid << ": " << process.command_line;
  }
  const auto gone_after = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed_at);
  RecordProperty("server_gone_after_sigkill_ms", static_cast<int>(gone_after.count()));
  std::cout << "the private server was gone " << gone_after.count() << " ms after the SIGKILL of sicoop\n";

  // What the dead run left (a signal handler could not remove it) is a later run's to clean; once
  // it is gone nothing re-creates it, and nothing was published.
  for (const std::string& entry : EntriesOf(output)) {
    EXPECT_NE(entry, "movimento_flat.csv") << "a killed run published";
    fs::remove_all(output / entry);
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the window in which a live job would write
  EXPECT_TRUE(EntriesOf(output).empty()) << "something writes into " << output << ": " << EntriesOf(output).front();

  EXPECT_NE(sicoop_command_line.find("postgresql://sicoop:"), std::string::npos) << sicoop_command_line;
  EXPECT_EQ(sicoop_command_line.find(kEncodedHarnessPassword), std::string::npos) << sicoop_command_line;
  EXPECT_EQ(sicoop_command_line.find(kHarnessPassword), std::string::npos) << sicoop_command_line;
  EXPECT_NE(server_environment.find("SPARK_HOME="), std::string::npos) << "the server's environment was not read";
  for (const auto& [name, value] : kSecretVariables) {
    EXPECT_EQ(server_environment.find(name + "="), std::string::npos) << name << " reached the Spark server";
    EXPECT_EQ(server_environment.find(value), std::string::npos) << name << "'s value reached the Spark server";
  }
  const std::string printed = ReadWholeFile(log);
  EXPECT_NE(printed.find("warning: the password in the --db URL was visible to other users"), std::string::npos)
      << printed;
  EXPECT_EQ(printed.find(kHarnessPassword), std::string::npos) << printed;
}

}  // namespace
}  // namespace sicoop::testing
