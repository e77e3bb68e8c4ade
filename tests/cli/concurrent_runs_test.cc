// Runs that share an output folder, as pods sharing a volume on Kubernetes do: two `sicoop etl`
// runs in two PID namespaces (`unshare --pid --fork --mount-proc`, so neither sees the other's
// pid) into one folder at once, and a run killed by SIGKILL mid-write followed by another. The file
// that is published holds exactly the source's rows, and a run that cannot write says who holds the
// folder.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "common/numbers.h"
#include "common/process.h"
#include "support/csv_reader.h"
#include "support/files.h"
#include "support/fresh_database.h"
#include "support/seeded_database.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Enough rows, in enough JDBC partitions, for a Spark write of a few seconds.
constexpr int64_t kMovimentos = 40000;
constexpr const char* kPartitions = "16";
constexpr auto kRunLimit = std::chrono::seconds(300);

// "-50.00" as -5000; nullopt for anything but a plain decimal with two fraction digits.
std::optional<int64_t> Cents(const std::string& amount) {
  const auto dot = amount.find('.');
  if (dot == std::string::npos || amount.size() - dot != 3) return std::nullopt;
  const std::optional<int64_t> whole = ParseInteger(amount.substr(0, dot));
  const std::optional<int64_t> fraction = ParseInteger(amount.substr(dot + 1));
  if (!whole || !fraction) return std::nullopt;
  const bool negative = amount[0] == '-';
  return *whole * 100 + (negative ? -*fraction : *fraction);
}

class ConcurrentRunsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FreshDatabase fresh = MakeSeededDatabase("postgres", kMovimentos, 9);
    ASSERT_TRUE(fresh.connection);
    url_ = fresh.url;
    source_ = std::move(fresh.connection);
    root_ = MakeTestFolder("sicoop-concurrent-runs");
    output_ = root_ / "shared-volume";
  }

  void TearDown() override {
    for (pid_t group : started_) {
      kill(-group, SIGKILL);
      waitpid(group, nullptr, 0);
    }
    fs::remove_all(root_);
  }

  std::vector<std::string> EtlCommand() const {
    return {SicoopBinary(), "etl", "--db", url_, "--output", output_.string(), "--spark", SparkUrl(),
            "--partitions", kPartitions};
  }

  // `sicoop etl` in a PID namespace of its own, where it is pid `pid_inside` (1, or 2 behind a
  // shell that waits for it), started in a process group of its own so that the test can stop,
  // resume or kill it whole. Returns the group's id.
  pid_t StartInOwnPidNamespace(int pid_inside, const fs::path& log) {
    std::vector<std::string> argv = {"unshare", "--pid", "--fork", "--mount-proc"};
    if (pid_inside == 2) argv.insert(argv.end(), {"sh", "-c", "\"$@\"; exit $?", "sh"});
    for (const auto& arg : EtlCommand()) argv.push_back(arg);
    ProcessSpec spec;
    spec.argv = argv;
    spec.log_file = log.string();
    spec.new_session = true;
    auto pid = StartProcess(spec);
    EXPECT_TRUE(pid.ok()) << pid.status().message();
    if (!pid.ok()) return -1;
    started_.push_back(*pid);
    return *pid;
  }

  // Waits, at most kRunLimit, for the run whose group is `group` to end; its exit code, or -1.
  int WaitForExit(pid_t group) {
    const auto give_up = Clock::now() + kRunLimit;
    while (Clock::now() < give_up) {
      int status = 0;
      pid_t done = waitpid(group, &status, WNOHANG);
      if (done == group) {
        std::erase(started_, group);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "the run did not end within " << kRunLimit.count() << " s";
    return -1;
  }

  // The staging folder of the run writing into the output folder, once Spark has started writing
  // there (its parts folder exists); empty when the run `group` ended first or it took too long.
  fs::path WaitUntilSparkWrites(pid_t group) {
    const auto give_up = Clock::now() + kRunLimit;
    while (Clock::now() < give_up) {
      std::error_code ec;
      for (fs::directory_iterator it(output_, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().filename().string().rfind(".movimento_flat.staging-", 0) == 0 &&
            fs::exists(it->path() / "parts", ec)) {
          return it->path();
        }
      }
      if (waitpid(group, nullptr, WNOHANG) == group) {
        std::erase(started_, group);
        ADD_FAILURE() << "the run ended before Spark was seen writing: give it more rows";
        return {};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "Spark was not seen writing within " << kRunLimit.count() << " s";
    return {};
  }

  // The published file holds exactly the source's movimentos: as many, with the same total amount.
  void ExpectTheSourcesRows() {
    auto expected = source_->Query("SELECT COUNT(*), SUM(vlr_transacao) FROM movimento");
    ASSERT_TRUE(expected.ok()) << expected.status().message();
    std::vector<CsvRow> records;
    std::string error;
    ASSERT_TRUE(ParseCsv(ReadWholeFile(output_ / "movimento_flat.csv"), ',', records, error)) << error;
    ASSERT_FALSE(records.empty());
    int64_t cents = 0;
    for (size_t i = 1; i < records.size(); ++i) {
      const std::optional<int64_t> amount = Cents(records[i].at(3));
      ASSERT_TRUE(amount) << "row " << i << ": " << records[i].at(3);
      cents += *amount;
    }
    EXPECT_EQ(std::to_string(records.size() - 1), (*expected)[0][0].value_or(""));
    EXPECT_EQ(std::to_string(kMovimentos), (*expected)[0][0].value_or(""));
    EXPECT_EQ(Cents((*expected)[0][1].value_or("")), cents);
  }

  std::set<std::string> OutputNames() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(output_)) names.insert(entry.path().filename().string());
    return names;
  }

  std::string url_;
  std::unique_ptr<db::Connection> source_;
  fs::path root_;
  fs::path output_;
  std::vector<pid_t> started_;
};

// The fault of issue 9: the second run judged the first run's staging folder abandoned because the
// first run's pid (2 in its namespace) is no process in the second's, removed it while Spark wrote,
// and the first run published a short file with exit 0. The first run is paused (SIGSTOP) while
// Spark writes for it, so that the second certainly starts while it holds the folder.
TEST_F(ConcurrentRunsTest, TwoRunsFromTwoPidNamespacesIntoOneFolder) {
  const pid_t first = StartInOwnPidNamespace(2, root_ / "first.log");
  ASSERT_GT(first, 0);
  const fs::path staging = WaitUntilSparkWrites(first);
  ASSERT_FALSE(staging.empty()) << ReadWholeFile(root_ / "first.log");
  ASSERT_EQ(kill(-first, SIGSTOP), 0);

  const pid_t second = StartInOwnPidNamespace(1, root_ / "second.log");
  ASSERT_GT(second, 0);
  const int second_exit = WaitForExit(second);
  ASSERT_EQ(kill(-first, SIGCONT), 0);
  const int first_exit = WaitForExit(first);

  const std::string first_output = ReadWholeFile(root_ / "first.log");
  const std::string second_output = ReadWholeFile(root_ / "second.log");
  EXPECT_EQ(first_exit, 0) << first_output;
  EXPECT_EQ(second_exit, 1) << second_output;
  // The holder named: its run id (which names its staging folder), host, pid in its namespace.
  const std::string run_id = staging.filename().string().substr(std::string(".movimento_flat.staging-").size());
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  EXPECT_NE(second_output.find("sicoop: " + output_.string() + " is in use by another sicoop run (run " + run_id +
                               " on host " + host + ", pid 2, since "),
            std::string::npos)
      << second_output;
  EXPECT_NE(second_output.find("wait for it to end or stop it, then run again"), std::string::npos) << second_output;
  ExpectTheSourcesRows();
  EXPECT_EQ(OutputNames(), std::set<std::string>{"movimento_flat.csv"}) << "no lock or staging folder left";
}

// A run killed by SIGKILL while Spark writes for it leaves its lock file and staging folder: the
// next run takes the lock over (its holder is dead, whatever its pid says) and publishes the whole
// file. The killed run's job may still be finishing on the server into its own staging folder,
// which the next run removed and must not confuse with its own.
TEST_F(ConcurrentRunsTest, AStaleLockOfAKilledRunIsTakenOverByTheNextRun) {
  const pid_t killed = StartInOwnPidNamespace(1, root_ / "killed.log");
  ASSERT_GT(killed, 0);
  const fs::path abandoned = WaitUntilSparkWrites(killed);
  ASSERT_FALSE(abandoned.empty()) << ReadWholeFile(root_ / "killed.log");
  ASSERT_EQ(kill(-killed, SIGKILL), 0);
  EXPECT_EQ(WaitForExit(killed), 128 + SIGKILL);
  ASSERT_TRUE(fs::exists(output_ / ".movimento_flat.lock")) << "the killed run left its lock file";

  RunResult next = RunSicoop({"etl", "--db", url_, "--output", output_.string(), "--spark", SparkUrl(),
                              "--partitions", kPartitions});
  EXPECT_EQ(next.exit_code, 0) << next.output;
  ExpectTheSourcesRows();
  std::set<std::string> left = OutputNames();
  left.erase(abandoned.filename().string());
  EXPECT_EQ(left, std::set<std::string>{"movimento_flat.csv"}) << "the lock is released, the run's staging gone";
}

}  // namespace
}  // namespace sicoop::testing
