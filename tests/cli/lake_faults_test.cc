// The lake under faults and concurrent writers (docs/lake.md, "Ingestion, exactly once"): runs
// killed by SIGKILL at several points of an ingest, and a Spark server killed under one; rows whose
// transactions commit after a run read past their ids; an application committing throughout
// incremental runs; two runs on one lake at once. After each, the lake must hold what the source
// holds: every movimento once (the source's ids, amounts and cards, row for row), the dimensions'
// rows, and the CSV a direct `sicoop etl` writes from the same source.
//
// The runs that are killed work on a private Spark server (etl without --spark), which dies with
// sicoop: a shared server would go on with the operation the killed run had sent, and the test
// could not tell when it is done. The other runs use the fixture's server.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/local_servers_support.h"
#include "common/numbers.h"
#include "common/process.h"
#include "db/connection.h"
#include "support/csv_reader.h"
#include "support/files.h"
#include "support/fresh_database.h"
#include "support/read_iceberg.h"
#include "support/run_sicoop.h"
#include "support/seeded_database.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kRunLimit = 240s;
constexpr int kDescriptionColumn = 4;  // des_transacao_movimento in the CSV

// The columns compared between the source and the lake: keys, references and the amount (the
// other columns are the direct path's, compared through the CSV).
struct ComparedTable {
  const char* name;
  std::vector<std::string> columns;
};
const std::vector<ComparedTable> kCompared = {{"associado", {"id", "idade"}},
                                              {"conta", {"id", "id_associado"}},
                                              {"cartao", {"id", "id_conta", "id_associado"}},
                                              {"movimento", {"id", "vlr_transacao", "id_cartao"}}};

std::string Join(const std::vector<std::string>& items, const std::string& separator) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

// The rows of `sql` as CSV lines (NULL empty), as ReadIcebergTable prints them less its header.
std::string QueryAsCsv(db::Connection& connection, const std::string& sql) {
  auto rows = connection.Query(sql);
  if (!rows.ok()) {
    ADD_FAILURE() << sql << ": " << rows.status().message();
    return "";
  }
  std::string text;
  for (const db::Row& row : *rows) {
    std::vector<std::string> fields;
    for (const auto& value : row) fields.push_back(value.value_or(""));
    text += Join(fields, ",") + "\n";
  }
  return text;
}

std::optional<int64_t> QueryInteger(db::Connection& connection, const std::string& sql) {
  auto rows = connection.Query(sql);
  if (!rows.ok() || rows->size() != 1 || rows->front().empty() || !rows->front()[0]) {
    ADD_FAILURE() << sql << ": " << (rows.ok() ? "no single value" : rows.status().message());
    return std::nullopt;
  }
  return ParseInteger(*rows->front()[0]);
}

size_t MetadataFiles(const fs::path& table) {
  size_t count = 0;
  std::error_code error;
  for (fs::directory_iterator it(table / "metadata", error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (name.rfind('v', 0) == 0 && name.ends_with(".metadata.json")) ++count;
  }
  return count;
}

// The descriptions of the CSV's records.
std::vector<std::string> Descriptions(const fs::path& csv) {
  std::vector<std::string> descriptions;
  std::vector<CsvRow> records = ReadCsvFile(csv);
  for (size_t i = 1; i < records.size(); ++i) descriptions.push_back(records[i].at(kDescriptionColumn));
  return descriptions;
}

bool Contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

class LakeFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTestFolder("sicoop-lake-faults");
    lake_ = root_ / "lake";
    key_ = root_ / "token.key";
    ASSERT_TRUE(WriteTokenKeyFile(key_));
  }

  void TearDown() override {
    for (pid_t pid : started_) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
    KillProcessesWorkingUnder(root_);
    fs::remove_all(root_);
  }

  void Seed(int64_t movimentos, uint64_t seed, const std::string& dialect = "postgres") {
    postgres_ = dialect == "postgres";
    FreshDatabase fresh = MakeSeededDatabase(dialect, movimentos, seed);
    ASSERT_TRUE(fresh.connection);
    url_ = fresh.url;
    source_ = std::move(fresh.connection);
    // An application's ids: from sequences, as a serial column gives them.
    for (const ComparedTable& table : kCompared) {
      auto max = QueryInteger(*source_, std::string("SELECT MAX(id) FROM ") + table.name);
      ASSERT_TRUE(max);
      ASSERT_TRUE(source_->Execute("CREATE SEQUENCE " + std::string(table.name) + "_ids START WITH " +
                                   std::to_string(*max + 1)).ok());
    }
    auto cards = QueryInteger(*source_, "SELECT MIN(id) FROM cartao");
    ASSERT_TRUE(cards);
    old_card_ = *cards;
  }

  // `etl --lake` on the fixture's server; --lookback when given.
  std::vector<std::string> LakeEtl(std::optional<int> lookback = std::nullopt) const {
    std::vector<std::string> args = {"etl",   "--db", url_, "--output", (root_ / "out").string(), "--lake",
                                     lake_.string(), "--token-key-file", key_.string(), "--spark", SparkUrl()};
    if (lookback) args.insert(args.end(), {"--lookback", std::to_string(*lookback)});
    return args;
  }

  RunResult RunLake(std::optional<int> lookback = std::nullopt) { return RunSicoop(LakeEtl(lookback)); }

  // `lake ingest` alone, on the fixture's server.
  RunResult RunIngest() {
    return RunSicoop({"lake", "ingest", "--db", url_, "--lake", lake_.string(), "--token-key-file", key_.string(),
                      "--spark", SparkUrl()});
  }

  // The same run on a private Spark server of its own, started in the background.
  pid_t StartPrivateRun(const std::string& name) {
    std::vector<std::string> args = LakeEtl();
    args.resize(args.size() - 2);  // without --spark
    args.insert(args.begin(), SicoopBinary());
    ProcessSpec spec;
    spec.argv = args;
    spec.env = {{"SICOOP_STATE_DIR", (root_ / "state").string()}, {"SICOOP_SPARK_MEMORY", "1g"}};
    spec.log_file = (root_ / (name + ".log")).string();
    auto pid = StartProcess(spec);
    EXPECT_TRUE(pid.ok()) << pid.status().message();
    if (!pid.ok()) return -1;
    started_.push_back(pid.value());
    return pid.value();
  }

  // Waits, at most kRunLimit, until `ready()`; false (and the test failed) when the run `pid`
  // ended first or it took too long.
  bool WaitUntil(pid_t pid, const std::string& what, const std::function<bool()>& ready, const std::string& log) {
    const auto give_up = Clock::now() + kRunLimit;
    while (Clock::now() < give_up) {
      if (ready()) return true;
      if (waitpid(pid, nullptr, WNOHANG) == pid) {
        std::erase(started_, pid);
        ADD_FAILURE() << "the run ended before " << what << ":\n" << ReadWholeFile(root_ / (log + ".log"));
        return false;
      }
      std::this_thread::sleep_for(5ms);
    }
    ADD_FAILURE() << what << " did not happen within " << kRunLimit.count() << " s";
    return false;
  }

  // Its exit code (128+N for signal N), waiting at most kRunLimit.
  int WaitForExit(pid_t pid) {
    const auto give_up = Clock::now() + kRunLimit;
    while (Clock::now() < give_up) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) {
        std::erase(started_, pid);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "the run did not end within " << kRunLimit.count() << " s";
    return -1;
  }

  void KillRun(pid_t pid) {
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    EXPECT_EQ(WaitForExit(pid), 128 + SIGKILL);
  }

  // Nothing of a killed private run goes on writing: its server is gone (bounded wait).
  void ExpectPrivateServerGone() {
    const fs::path state = root_ / "state";
    const auto give_up = Clock::now() + 60s;
    while (!ProcessesWorkingUnder(state).empty() && Clock::now() < give_up) std::this_thread::sleep_for(50ms);
    for (const SeenProcess& process : ProcessesWorkingUnder(state)) {
      ADD_FAILURE() << "outlived its run: pid " << process.pid << ": " << process.command_line;
    }
  }

  // A session of the source's database reading for Spark (the JDBC driver's), other than ours.
  bool SparkReadsTheSource() {
    auto count = source_->Query(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND application_name = 'PostgreSQL JDBC Driver'");
    return count.ok() && !count->empty() && count->front()[0].value_or("0") != "0";
  }

  // The lake's raw tables hold the source's rows, each once; the lake's CSV is a direct etl's.
  void ExpectLakeEqualsSource() {
    for (const ComparedTable& table : kCompared) {
      SCOPED_TRACE(table.name);
      const std::string lake = ReadIcebergTable(lake_, "raw", table.name, table.columns, {"id"});
      const std::string source =
          QueryAsCsv(*source_, "SELECT " + Join(table.columns, ", ") + " FROM " + table.name + " ORDER BY id");
      EXPECT_EQ(lake, Join(table.columns, ",") + "\n" + source);
      if (std::string(table.name) != "movimento") continue;
      // The same said as a person would check it: as many movimentos, none twice.
      std::vector<std::string> ids;
      for (size_t begin = lake.find('\n') + 1, end; (end = lake.find('\n', begin)) != std::string::npos; begin = end + 1) {
        ids.push_back(lake.substr(begin, lake.find(',', begin) - begin));
      }
      EXPECT_EQ(static_cast<int64_t>(ids.size()), QueryInteger(*source_, "SELECT COUNT(*) FROM movimento").value_or(-1));
      EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "a movimento twice in raw";
    }

    const fs::path direct = root_ / "direct";
    RunResult etl = RunSicoop({"etl", "--db", url_, "--output", direct.string(), "--spark", SparkUrl()});
    ASSERT_EQ(etl.exit_code, 0) << etl.output;
    EXPECT_TRUE(ReadWholeFile(root_ / "out" / "movimento_flat.csv") == ReadWholeFile(direct / "movimento_flat.csv"))
        << "the lake's CSV differs from a direct etl's";
  }

  // Commits a movimento on the first seeded card; returns its id.
  int64_t CommitMovimento(const std::string& description) {
    auto id = QueryInteger(*source_, "INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, "
                                     "id_cartao) VALUES (nextval('movimento_ids'), 7.25, '" + description +
                                     "', '2024-05-01 10:00:00', " + std::to_string(old_card_) + ") RETURNING id");
    return id.value_or(-1);
  }

  // The next value of a table's sequence, and the one this session took last.
  std::string Next(const std::string& table) const {
    return postgres_ ? "nextval('" + table + "_ids')" : "nextval(" + table + "_ids)";
  }
  std::string Current(const std::string& table) const {
    return postgres_ ? "currval('" + table + "_ids')" : "lastval(" + table + "_ids)";
  }

  // Commit `k` of an application: a member with an account and a card, and two movimentos (one on
  // the new card, one on `old_card_`), in one transaction, every id from its sequence.
  std::string WriterTransaction(int64_t k) const {
    const std::string n = std::to_string(k);
    const std::string time = "'2024-0" + std::to_string(1 + k % 9) + "-15 08:30:00'";
    return "START TRANSACTION; INSERT INTO associado (id, nome, sobrenome, idade, email) VALUES (" + Next("associado") +
           ", 'Writer', 'Member " + n + "', " + std::to_string(18 + k % 60) + ", NULL); "
           "INSERT INTO conta (id, tipo, data_criacao, id_associado) VALUES (" + Next("conta") + ", 'CP', " + time +
           ", " + Current("associado") + "); INSERT INTO cartao (id, num_cartao, nom_impresso, data_criacao, id_conta, "
           "id_associado) VALUES (" + Next("cartao") + ", '" + std::to_string(9000000000000000LL + k) + "', 'WRITER " +
           n + "', " + time + ", " + Current("conta") + ", " + Current("associado") + "); INSERT INTO movimento (id, "
           "vlr_transacao, des_transacao, data_movimento, id_cartao) VALUES (" + Next("movimento") + ", " +
           std::to_string(k % 500) + ".25, 'writer " + n + " new card', " + time + ", " + Current("cartao") + "), (" +
           Next("movimento") + ", -" + std::to_string(k % 70) + ".50, 'writer " + n + " old card', " + time + ", " +
           std::to_string(old_card_) + "); COMMIT";
  }

  // An application commits throughout an ingest (the part of a run that reads the source: build and
  // export read the lake only) and a whole run; once it stops, one more run leaves the lake equal to
  // the source, and curated equal to the source's inner join.
  void RunWhileAnApplicationCommits() {
    std::atomic<bool> stop = false;
    std::atomic<int64_t> committed = 0;
    std::thread writer([&] {
      std::unique_ptr<db::Connection> connection = ConnectOrFail(url_);
      for (int64_t k = 1; connection && !stop && k <= 100000; ++k) {
        Status status = connection->Execute(WriterTransaction(k));
        if (!status.ok()) {
          ADD_FAILURE() << "writer commit " << k << ": " << status.message();
          return;
        }
        committed = k;
        std::this_thread::sleep_for(20ms);
      }
    });
    std::vector<int64_t> seen;
    for (int run = 0; run < 2; ++run) {
      RunResult result = run == 0 ? RunIngest() : RunLake();
      EXPECT_EQ(result.exit_code, 0) << result.output;
      seen.push_back(committed);
    }
    stop = true;
    writer.join();
    EXPECT_GT(seen.front(), 0) << "the writer committed while the runs ran";
    EXPECT_GT(seen.back(), seen.front());
    RunResult last = RunLake();
    ASSERT_EQ(last.exit_code, 0) << last.output;
    ExpectLakeEqualsSource();
    const std::string curated = ReadIcebergTable(lake_, "curated", "movimento_flat", {"id_movimento"}, {"id_movimento"});
    EXPECT_EQ(curated, "id_movimento\n" + QueryAsCsv(*source_, "SELECT m.id FROM movimento m JOIN cartao c ON "
                                                               "m.id_cartao = c.id JOIN conta co ON c.id_conta = co.id "
                                                               "JOIN associado a ON co.id_associado = a.id ORDER BY m.id"));
  }

  fs::path root_, lake_, key_;
  std::string url_;
  std::unique_ptr<db::Connection> source_;
  bool postgres_ = true;
  int64_t old_card_ = 0;
  std::vector<pid_t> started_;
};

// Killed at three points of an ingest and run again, each time after the source grew: the lake is
// the source's, the CSV a direct etl's, and a lock left by a killed run blocks nothing.
TEST_F(LakeFaultsTest, ARunKilledAnywhereAndRunAgainGivesTheLakeOfAnUninterruptedRun) {
  ASSERT_NO_FATAL_FAILURE(Seed(20000, 21));
  const fs::path lock = lake_ / ".sicoop-lake.lock";

  {
    SCOPED_TRACE("the Spark server killed while it reads the source over JDBC, on the first load");
    const pid_t run = StartPrivateRun("server-killed");
    ASSERT_GT(run, 0);
    ASSERT_TRUE(WaitUntil(run, "Spark read the source", [&] { return SparkReadsTheSource(); }, "server-killed"));
    const auto servers = WithCommandLine(ProcessesWorkingUnder(root_ / "state"), kSparkConnectServerCommand);
    ASSERT_EQ(servers.size(), 1u);
    ASSERT_EQ(kill(servers.front().pid, SIGKILL), 0);
    EXPECT_EQ(WaitForExit(run), 1) << ReadWholeFile(root_ / "server-killed.log");
    // Said at once: a dead server of its own is not reattached to for a minute.
    EXPECT_NE(ReadWholeFile(root_ / "server-killed.log")
                  .find("the local Spark Connect server sicoop started for this run (pid " +
                        std::to_string(servers.front().pid) + ") has died"),
              std::string::npos)
        << ReadWholeFile(root_ / "server-killed.log");
    ExpectPrivateServerGone();
    RunResult again = RunLake();
    ASSERT_EQ(again.exit_code, 0) << again.output;
    ExpectLakeEqualsSource();
  }
  {
    SCOPED_TRACE("sicoop killed after raw.associado's merge committed, before movimento's append");
    ASSERT_TRUE(source_->Execute(WriterTransaction(1)).ok());
    const size_t associado = MetadataFiles(lake_ / "raw" / "associado");
    const size_t movimento = MetadataFiles(lake_ / "raw" / "movimento");
    const pid_t run = StartPrivateRun("killed-after-merge");
    ASSERT_GT(run, 0);
    ASSERT_TRUE(WaitUntil(run, "raw.associado's merge committed",
                          [&] { return MetadataFiles(lake_ / "raw" / "associado") > associado; }, "killed-after-merge"));
    KillRun(run);
    ExpectPrivateServerGone();
    ASSERT_EQ(MetadataFiles(lake_ / "raw" / "movimento"), movimento) << "the kill came after the append";
    EXPECT_TRUE(fs::exists(lock)) << "the killed run left its lock file";
    RunResult again = RunLake();
    ASSERT_EQ(again.exit_code, 0) << again.output;
    ExpectLakeEqualsSource();
  }
  {
    SCOPED_TRACE("sicoop killed right after movimento's append committed, before build and export");
    ASSERT_TRUE(source_->Execute(WriterTransaction(2)).ok());
    const size_t movimento = MetadataFiles(lake_ / "raw" / "movimento");
    const pid_t run = StartPrivateRun("killed-after-append");
    ASSERT_GT(run, 0);
    ASSERT_TRUE(WaitUntil(run, "movimento's append committed",
                          [&] { return MetadataFiles(lake_ / "raw" / "movimento") > movimento; }, "killed-after-append"));
    KillRun(run);
    ExpectPrivateServerGone();
    EXPECT_TRUE(fs::exists(lock)) << "the killed run left its lock file";
    RunResult again = RunLake();
    ASSERT_EQ(again.exit_code, 0) << again.output;
    EXPECT_NE(again.output.find("ingest: movimento +0 rows"), std::string::npos)
        << "the killed run's append stands, nothing is appended twice: " << again.output;
    ExpectLakeEqualsSource();
  }
}

// Movimentos whose transactions commit after a run read past their ids: the next run's look-back
// picks up the one within it, and leaves out the one beyond it, and only that one, whose day
// `lake verify` names.
TEST_F(LakeFaultsTest, ALateCommitIsIngestedWithinTheLookBackAndOnlyThere) {
  ASSERT_NO_FATAL_FAILURE(Seed(2000, 22));
  // Ids from the sequence in this order: beyond, five committed, within, two committed.
  auto begin_late = [&](const std::string& description) -> std::pair<std::unique_ptr<db::Connection>, int64_t> {
    std::unique_ptr<db::Connection> late = ConnectOrFail(url_);
    if (!late || !late->Execute("BEGIN").ok()) return {nullptr, -1};
    auto id = QueryInteger(*late, "INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) "
                                  "VALUES (nextval('movimento_ids'), 3.10, '" + description + "', '2024-05-02 09:00:00', " +
                                  std::to_string(old_card_) + ") RETURNING id");
    return {std::move(late), id.value_or(-1)};
  };
  auto [beyond_transaction, beyond] = begin_late("late beyond");
  ASSERT_TRUE(beyond_transaction);
  for (int i = 0; i < 5; ++i) CommitMovimento("committed " + std::to_string(i));
  auto [within_transaction, within] = begin_late("late within");
  ASSERT_TRUE(within_transaction);
  for (int i = 5; i < 7; ++i) CommitMovimento("committed " + std::to_string(i));
  const int64_t watermark = CommitMovimento("committed 7");
  ASSERT_EQ(within, beyond + 6);
  ASSERT_EQ(watermark, within + 3);

  RunResult read_past = RunLake();
  ASSERT_EQ(read_past.exit_code, 0) << read_past.output;
  EXPECT_NE(read_past.output.find("watermark none -> " + std::to_string(watermark)), std::string::npos)
      << read_past.output;
  ASSERT_TRUE(within_transaction->Execute("COMMIT").ok());
  ASSERT_TRUE(beyond_transaction->Execute("COMMIT").ok());

  // Ids above watermark - 4 are read again: `within` (watermark - 3) is, `beyond` (watermark - 9) not.
  RunResult again = RunLake(4);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("ingest: movimento +1 rows"), std::string::npos) << again.output;
  const std::string lake = ReadIcebergTable(lake_, "raw", "movimento", {"id", "vlr_transacao"}, {"id"});
  const std::string source = QueryAsCsv(*source_, "SELECT id, vlr_transacao FROM movimento WHERE id <> " +
                                                      std::to_string(beyond) + " ORDER BY id");
  EXPECT_EQ(lake, "id,vlr_transacao\n" + source) << "the lake holds every movimento but the one beyond the look-back";
  const std::vector<std::string> exported = Descriptions(root_ / "out" / "movimento_flat.csv");
  EXPECT_TRUE(Contains(exported, "late within"));
  EXPECT_FALSE(Contains(exported, "late beyond"));

  // lake verify finds the day of the movimento left out, and only that day.
  RunResult verify = RunSicoop({"lake", "verify", "--db", url_, "--lake", lake_.string(), "--spark", SparkUrl()});
  EXPECT_EQ(verify.exit_code, 1) << verify.output;
  EXPECT_NE(verify.output.find("\n2024-05-02: source "), std::string::npos) << verify.output;
  EXPECT_NE(verify.output.find("\n1 of "), std::string::npos) << verify.output;
}

// An application commits members, accounts, cards and movimentos throughout an ingest and a run;
// once it stops, one more run leaves the lake equal to the source.
TEST_F(LakeFaultsTest, ARunWhileAnApplicationCommitsMissesNothingOnceItStops) {
  ASSERT_NO_FATAL_FAILURE(Seed(5000, 23));
  RunWhileAnApplicationCommits();
}

// The same on MariaDB, whose runs read up to movimento's high-water mark instead of a snapshot.
TEST_F(LakeFaultsTest, ARunWhileAnApplicationCommitsMissesNothingOnceItStopsOnMariaDb) {
  ASSERT_NO_FATAL_FAILURE(Seed(5000, 25, "mysql"));
  RunWhileAnApplicationCommits();
}

// Two runs on one lake: the second fails at once naming the first, which completes.
TEST_F(LakeFaultsTest, ASecondRunOnALakeInUseFailsNamingTheHolder) {
  ASSERT_NO_FATAL_FAILURE(Seed(2000, 24));
  std::vector<std::string> args = LakeEtl();
  args.insert(args.begin(), SicoopBinary());
  ProcessSpec spec;
  spec.argv = args;
  spec.log_file = (root_ / "first.log").string();
  auto first = StartProcess(spec);
  ASSERT_TRUE(first.ok()) << first.status().message();
  started_.push_back(*first);
  const fs::path lock = lake_ / ".sicoop-lake.lock";
  ASSERT_TRUE(WaitUntil(*first, "the lake's lock was taken", [&] { return fs::exists(lock); }, "first"));
  // Paused, the first run certainly holds the lake while the second tries.
  ASSERT_EQ(kill(*first, SIGSTOP), 0);
  const std::string holder = ReadWholeFile(lock);
  RunResult second = RunSicoop({"etl", "--db", url_, "--output", (root_ / "second").string(), "--lake", lake_.string(),
                                "--token-key-file", key_.string(), "--spark", SparkUrl()});
  ASSERT_EQ(kill(*first, SIGCONT), 0);
  EXPECT_EQ(second.exit_code, 1) << second.output;
  const size_t run_id = holder.find("run_id=");
  ASSERT_NE(run_id, std::string::npos) << holder;
  const std::string first_id = holder.substr(run_id + 7, 32);
  EXPECT_NE(second.output.find(lake_.string() + " is in use by another sicoop run (run " + first_id + " on host "),
            std::string::npos)
      << second.output;
  EXPECT_FALSE(fs::exists(root_ / "second" / "movimento_flat.csv"));

  EXPECT_EQ(WaitForExit(*first), 0) << ReadWholeFile(root_ / "first.log");
  EXPECT_FALSE(fs::exists(lock));
  ExpectLakeEqualsSource();
}

}  // namespace
}  // namespace sicoop::testing
