// The Airflow DAG of deploy/airflow (sicoop_daily: ingest -> build -> verify -> export), run by
// `airflow dags test` from the pinned Airflow of scripts/setup.sh in a throwaway AIRFLOW_HOME (SQLite
// metadata database), against a freshly seeded PostgreSQL, the fixture's Spark Connect server and a
// local lake; its connection and variables come from the environment, as a deployment's secrets
// backend would give them. Checked: every task succeeds, the CSV is a direct `sicoop etl`'s byte for
// byte, each task's XCom names the manifest it wrote, nothing is left running, and the database's
// password is in no file under AIRFLOW_HOME. Then the fault: the first `lake ingest` is SIGKILLed
// after it started writing (tests/deploy/airflow_kill_once.sh); Airflow retries it and the run ends
// with the lake an uninterrupted run gives.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cli/local_servers_support.h"
#include "common/process.h"
#include "db/connection.h"
#include "db/db_url.h"
#include "support/files.h"
#include "support/run_sicoop.h"
#include "support/seeded_database.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int64_t kMovimentos = 3000;
// `airflow dags test` of the whole DAG, a killed try and its retry included, on a busy machine.
constexpr auto kDagRunLimit = 480s;
constexpr auto kMigrateLimit = 120s;

// What the test reads back from the metadata database: each task's state and try number, and the
// value each pushed to XCom (JSON decoded; a dict printed as JSON), of the last DAG run.
constexpr const char* kReadRunScript = R"(import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
(run,) = db.execute("SELECT run_id FROM dag_run ORDER BY id DESC LIMIT 1").fetchone()
for task, state, tries in db.execute("SELECT task_id, state, try_number FROM task_instance WHERE run_id = ?", (run,)):
    print("task", task, state, tries)
for task, value in db.execute("SELECT task_id, value FROM xcom WHERE key = 'return_value' AND run_id = ?", (run,)):
    value = json.loads(value)
    print("xcom", task, value if isinstance(value, str) else json.dumps(value, sort_keys=True))
)";

struct TaskRun {
  std::string state;
  int tries = 0;
  std::string xcom;
};

class AirflowDagTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(std::string(SICOOP_AIRFLOW_VENV) + "/bin/airflow"))
        << "no Airflow in " << SICOOP_AIRFLOW_VENV << ": run scripts/setup.sh";
    root_ = MakeTestFolder("sicoop-airflow");
    ASSERT_TRUE(WriteTokenKeyFile(root_ / "token.key"));
    FreshDatabase fresh = MakeSeededDatabase("postgres", kMovimentos, 5);
    ASSERT_TRUE(fresh.connection);
    connection_ = std::move(fresh.connection);
    auto url = db::ParseDbUrl(fresh.url);
    ASSERT_TRUE(url.ok()) << url.status().message();
    source_ = *url;
    ASSERT_FALSE(source_.password.empty());
    db::DbUrl without_password = source_;
    without_password.password.clear();
    url_ = without_password.Redacted();
    // The reference: a direct etl of the same source, the password through the environment.
    const RunResult direct = RunSicoop({"etl", "--db", url_, "--output", (root_ / "direct").string(),
                                        "--spark", SparkUrl(), "-q"},
                                       {{"SICOOP_DB_PASSWORD", source_.password}});
    ASSERT_EQ(direct.exit_code, 0) << direct.output;
    direct_csv_ = ReadWholeFile(root_ / "direct" / "movimento_flat.csv");
    ASSERT_FALSE(direct_csv_.empty());
  }

  void TearDown() override {
    if (root_.empty()) return;  // SetUp stopped before it made the folder
    KillProcessesWorkingUnder(root_);
    fs::remove_all(root_);
  }

  // Runs `airflow ARGS` from the pinned venv with the DAG's connection and variables for the run
  // `name` (its own AIRFLOW_HOME, lake and output below the test's folder; `extra_env` added or
  // replacing), output into AIRFLOW_HOME/LOG.log; kills its whole process group and fails the test
  // past `limit`. The exit code, or -1.
  int Airflow(const std::string& name, const std::vector<std::string>& args, const std::string& log,
              std::chrono::seconds limit, const std::vector<std::pair<std::string, std::string>>& extra_env) {
    const fs::path run = root_ / name;
    fs::create_directories(run / "airflow");
    fs::create_directories(run / "tmp");
    // The connection as a deployment's secrets backend gives it, password included; sicoop gets
    // the URL without it (deploy/airflow/sicoop_daily.py).
    const std::string connection = R"({"conn_type": "postgres", "host": ")" + source_.host + R"(", "port": )" +
                                   std::to_string(source_.port) + R"(, "login": ")" + source_.user +
                                   R"(", "password": ")" + source_.password + R"(", "schema": ")" +
                                   source_.database + R"("})";
    ProcessSpec spec;
    spec.argv = {std::string(SICOOP_AIRFLOW_VENV) + "/bin/airflow"};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.env = {{"AIRFLOW_HOME", (run / "airflow").string()},
                {"AIRFLOW__CORE__LOAD_EXAMPLES", "False"},
                {"AIRFLOW__CORE__DAGS_FOLDER", SICOOP_AIRFLOW_DAGS_DIR},
                {"AIRFLOW_CONN_SICOOP_SOURCE", connection},
                {"AIRFLOW_VAR_SICOOP_BINARY", SicoopBinary()},
                {"AIRFLOW_VAR_SICOOP_LAKE", (run / "lake").string()},
                {"AIRFLOW_VAR_SICOOP_OUTPUT", (run / "out").string()},
                {"AIRFLOW_VAR_SICOOP_SPARK", SparkUrl()},
                {"AIRFLOW_VAR_SICOOP_TOKEN_KEY_FILE", (root_ / "token.key").string()},
                // Back-off from 1 s, so that a retry does not wait the 2 minutes of a daily run.
                {"AIRFLOW_VAR_SICOOP_RETRY_DELAY_SECONDS", "1"},
                // The tasks' working folders (Airflow makes one per command in TMPDIR) stay below the
                // test's folder, where the check for processes left behind looks.
                {"TMPDIR", (run / "tmp").string()},
                // No __pycache__ left in the repository's DAG folder.
                {"PYTHONDONTWRITEBYTECODE", "1"}};
    for (const auto& [variable, value] : extra_env) {
      auto same = std::find_if(spec.env.begin(), spec.env.end(), [&](const auto& set) { return set.first == variable; });
      if (same == spec.env.end()) spec.env.emplace_back(variable, value); else same->second = value;
    }
    spec.log_file = (run / "airflow" / (log + ".log")).string();
    spec.working_dir = run.string();
    spec.new_session = true;  // its own process group, killed whole past the limit
    auto pid = StartProcess(spec);
    if (!pid.ok()) {
      ADD_FAILURE() << pid.status().message();
      return -1;
    }
    const auto give_up = Clock::now() + limit;
    while (Clock::now() < give_up) {
      int status = 0;
      if (waitpid(*pid, &status, WNOHANG) == *pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      std::this_thread::sleep_for(100ms);
    }
    kill(-*pid, SIGKILL);
    waitpid(*pid, nullptr, 0);
    ADD_FAILURE() << "airflow " << args.front() << " did not end within " << limit.count() << " s:\n"
                  << TailOfFile(spec.log_file, 40);
    return -1;
  }

  // A metadata database (made by the first run of `name`), then a DAG run; its tasks as the metadata
  // database holds them. The run's exit code into `exit_code` when given, else expected 0.
  std::map<std::string, TaskRun> RunDag(const std::string& name,
                                        const std::vector<std::pair<std::string, std::string>>& extra_env = {},
                                        int* exit_code = nullptr) {
    const fs::path home = root_ / name / "airflow";
    if (!fs::exists(home / "airflow.db") && Airflow(name, {"db", "migrate"}, "db-migrate", kMigrateLimit, extra_env) != 0) {
      ADD_FAILURE() << "airflow db migrate failed:\n" << TailOfFile((home / "db-migrate.log").string(), 40);
      return {};
    }
    const auto started = Clock::now();
    const int code = Airflow(name, {"dags", "test", "sicoop_daily"}, "dags-test", kDagRunLimit, extra_env);
    std::cerr << "airflow dags test (" << name << "): "
              << std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started).count() << " s\n";
    if (exit_code != nullptr) {
      *exit_code = code;
    } else {
      EXPECT_EQ(code, 0) << TailOfFile((home / "dags-test.log").string(), 60);
    }

    const RunResult read = RunCommand({std::string(SICOOP_AIRFLOW_VENV) + "/bin/python", "-c", kReadRunScript, (home / "airflow.db").string()});
    EXPECT_EQ(read.exit_code, 0) << read.output;
    std::map<std::string, TaskRun> tasks;
    std::istringstream lines(read.output);
    for (std::string kind, task; lines >> kind >> task;) {
      if (kind == "task") {
        lines >> tasks[task].state >> tasks[task].tries;
      } else {
        lines >> std::ws;
        std::getline(lines, tasks[task].xcom);
      }
    }
    return tasks;
  }

  // What every run must show: each task succeeded with the try numbers `tries`, the CSV is the direct
  // etl's, the XComs name manifests that exist (verify, which writes none, its figures), nothing of
  // the run still runs, and no file under AIRFLOW_HOME holds the password.
  void ExpectDailyRun(const std::string& name, const std::map<std::string, TaskRun>& tasks,
                      const std::map<std::string, int>& tries) {
    ASSERT_EQ(tasks.size(), 4u);
    for (const auto& [task, expected_tries] : tries) {
      SCOPED_TRACE(task);
      ASSERT_TRUE(tasks.contains(task));
      const TaskRun& run = tasks.at(task);
      EXPECT_EQ(run.state, "success");
      EXPECT_EQ(run.tries, expected_tries);
      if (task == "verify") {
        EXPECT_EQ(run.xcom, R"({"days": 366, "rows": {"curated": 3000, "raw": 3000, "source": 3000, )"
                            R"("source_joined": 3000}, "status": "agrees", "watermark": 3000})");
        continue;
      }
      const fs::path runs = root_ / name / "lake" / "_sicoop" / "runs";
      EXPECT_EQ(fs::path(run.xcom).parent_path(), runs) << run.xcom;
      EXPECT_TRUE(fs::is_regular_file(run.xcom)) << run.xcom;
      EXPECT_NE(ReadWholeFile(run.xcom).find(R"("command":"lake )" + task + R"(","started_at")"), std::string::npos)
          << run.xcom;
    }
    EXPECT_EQ(ReadWholeFile(root_ / name / "out" / "movimento_flat.csv"), direct_csv_);

    for (const SeenProcess& process : StillRunning(ProcessesWorkingUnder(root_ / name), 10s)) {
      ADD_FAILURE() << "left behind: pid " << process.pid << " in " << process.working_dir << ": "
                    << process.command_line;
    }

    size_t files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root_ / name / "airflow")) {
      if (!entry.is_regular_file()) continue;
      ++files;
      const std::string text = ReadWholeFile(entry.path());
      EXPECT_EQ(text.find(source_.password), std::string::npos) << "the password is in " << entry.path();
    }
    EXPECT_GE(files, 3u) << "the airflow.db and the two logs at least";
  }

  fs::path root_;
  std::unique_ptr<db::Connection> connection_;
  db::DbUrl source_;
  std::string url_;  // the source's URL without its password, which goes through the environment
  std::string direct_csv_;
};

// Then a day that no longer agrees (a movimento deleted from the source after it was ingested; the
// raw layer keeps it): the next run's verify fails and its export does not run.
TEST_F(AirflowDagTest, DailyRunIngestsBuildsVerifiesAndExportsAndAFailedVerifyStopsTheExport) {
  const auto tasks = RunDag("daily");
  ExpectDailyRun("daily", tasks, {{"ingest", 1}, {"build", 1}, {"verify", 1}, {"export", 1}});

  ASSERT_TRUE(connection_->Execute("DELETE FROM movimento WHERE id = (SELECT MIN(id) FROM movimento)").ok());
  const fs::path runs = root_ / "daily" / "lake" / "_sicoop" / "runs";
  const auto manifests = std::distance(fs::directory_iterator(runs), fs::directory_iterator());
  int exit_code = 0;
  const auto stopped = RunDag("daily", {{"AIRFLOW_VAR_SICOOP_RETRIES", "0"}}, &exit_code);
  EXPECT_EQ(exit_code, 1);
  ASSERT_EQ(stopped.size(), 4u);
  EXPECT_EQ(stopped.at("ingest").state, "success");
  EXPECT_EQ(stopped.at("build").state, "success");
  EXPECT_EQ(stopped.at("verify").state, "failed");
  EXPECT_NE(ReadWholeFile(root_ / "daily" / "airflow" / "dags-test.log").find(R"("status":"differs")"), std::string::npos)
      << "verify failed for another reason than the day that differs";
  EXPECT_EQ(stopped.at("export").state, "upstream_failed");
  EXPECT_EQ(stopped.at("export").tries, 0);
  // The second ingest and build wrote a manifest each (and their .html pages); no export ran.
  size_t exports = 0;
  for (const auto& entry : fs::directory_iterator(runs)) {
    if (entry.path().extension() == ".json" && ReadWholeFile(entry.path()).find(R"("command":"lake export")") != std::string::npos) ++exports;
  }
  EXPECT_EQ(exports, 1u);
  EXPECT_GT(std::distance(fs::directory_iterator(runs), fs::directory_iterator()), manifests);
}

// The ingest's worker dies mid-run (SIGKILL, after the lake's first commit of that run): Airflow
// retries the task after its back-off, and the run ends as an uninterrupted one would.
TEST_F(AirflowDagTest, IngestKilledOnceIsRetriedAndTheLakeIsAnUninterruptedRunsLake) {
  const fs::path marker = root_ / "killed-once";
  fs::create_directories(root_ / "private-spark");
  const auto tasks = RunDag("retried", {{"AIRFLOW_VAR_SICOOP_BINARY", SICOOP_AIRFLOW_KILL_ONCE},
                                        {"REAL_SICOOP", SicoopBinary()},
                                        {"KILL_MARKER", marker.string()},
                                        {"KILL_STATE_DIR", (root_ / "private-spark").string()}});
  EXPECT_TRUE(fs::exists(marker)) << "the first ingest never ran";
  ExpectDailyRun("retried", tasks, {{"ingest", 2}, {"build", 1}, {"verify", 1}, {"export", 1}});
  EXPECT_NE(ReadWholeFile(root_ / "retried" / "airflow" / "dags-test.log").find("sicoop lake ingest killed"),
            std::string::npos)
      << "the first try was not the one killed";
  // The lake says so itself: every day of raw and curated agrees with the source.
  const RunResult verify = RunSicoop({"lake", "verify", "--db", url_, "--lake",
                                      (root_ / "retried" / "lake").string(), "--spark", SparkUrl(), "-q"},
                                     {{"SICOOP_DB_PASSWORD", source_.password}});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

}  // namespace
}  // namespace sicoop::testing
