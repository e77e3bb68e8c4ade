// One instant of the source for every read of a `sicoop etl` run, while an application keeps
// committing (docs/output-contract.md, "One instant").
//
// A writer thread commits, one transaction after another, alternately a new member with an account,
// a card and a movimento on that card, and a movimento on a card that was seeded. Its movimento
// ids grow in commit order and their times are spread over the whole seeded period, so every time
// slice of the read gets some. Reads at different instants show up as a file that is not a prefix
// of the writer's commits: a new card read before its movimento drops that movimento from the join
// while a later movimento on an old card is kept, and slices read later hold commits that earlier
// slices miss.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "common/calendar.h"
#include "common/numbers.h"
#include "db/connection.h"
#include "support/csv_reader.h"
#include "support/files.h"
#include "support/fresh_database.h"
#include "support/seeded_database.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int kDescriptionColumn = 4;  // des_transacao_movimento in the CSV

// One integer that `sql` answers, or nullopt (and the test failed).
std::optional<int64_t> QueryInteger(db::Connection& connection, const std::string& sql) {
  auto rows = connection.Query(sql);
  if (!rows.ok() || rows->size() != 1 || rows->front().empty() || !rows->front()[0]) {
    ADD_FAILURE() << sql << ": " << (rows.ok() ? "no single value" : rows.status().message());
    return std::nullopt;
  }
  return ParseInteger(*rows->front()[0]);
}

// Where the writer's rows go: ids after the seeded ones, times spread over the seeded period.
struct WriterPlan {
  int64_t member0 = 0, account0 = 0, card0 = 0, movimento0 = 0;
  int64_t first_second = 0, seconds = 1;
  std::vector<int64_t> old_cards;
};

// The transaction of commit `k` (from 1): odd ones bring a new member, account and card with their
// movimento; even ones add a movimento on a seeded card. Its description is "writer k".
std::string WriterTransaction(db::Dialect dialect, const WriterPlan& plan, int64_t k) {
  const std::string time = "'" + FormatWallClock(plan.first_second + (k * 7919) % plan.seconds) + "'";
  const std::string n = std::to_string(k);
  std::string sql = dialect == db::Dialect::kPostgres ? "BEGIN; " : "START TRANSACTION; ";
  int64_t card = plan.old_cards[static_cast<size_t>(k) % plan.old_cards.size()];
  if (k % 2 == 1) {
    const std::string member = std::to_string(plan.member0 + k), account = std::to_string(plan.account0 + k);
    card = plan.card0 + k;
    sql += "INSERT INTO associado (id, nome, sobrenome, idade, email) VALUES (" + member + ", 'Writer', 'Member " + n +
           "', 30, NULL); INSERT INTO conta (id, tipo, data_criacao, id_associado) VALUES (" + account + ", 'CC', " +
           time + ", " + member + "); INSERT INTO cartao (id, num_cartao, nom_impresso, data_criacao, id_conta, "
           "id_associado) VALUES (" + std::to_string(card) + ", '9" + std::string(15 - std::min<size_t>(n.size(), 15), '0') +
           n + "', 'WRITER " + n + "', " + time + ", " + account + ", " + member + "); ";
  }
  sql += "INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) VALUES (" +
         std::to_string(plan.movimento0 + k) + ", 1.00, 'writer " + n + "', " + time + ", " + std::to_string(card) +
         "); COMMIT";
  return sql;
}

class SnapshotTest : public ::testing::TestWithParam<std::string> {
 protected:
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  // A seeded database and the plan of the writer's rows.
  void Prepare() {
    FreshDatabase fresh = MakeSeededDatabase(GetParam(), 100000);
    ASSERT_TRUE(fresh.connection);
    url_ = fresh.url;
    source_ = std::move(fresh.connection);
    for (auto [field, table] : {std::pair{&plan_.member0, "associado"}, {&plan_.account0, "conta"},
                                {&plan_.card0, "cartao"}, {&plan_.movimento0, "movimento"}}) {
      std::optional<int64_t> max = QueryInteger(*source_, std::string("SELECT MAX(id) FROM ") + table);
      ASSERT_TRUE(max);
      *field = *max;
    }
    auto period = source_->Query("SELECT MIN(data_movimento), MAX(data_movimento) FROM movimento");
    ASSERT_TRUE(period.ok() && period->size() == 1) << period.status().message();
    std::optional<int64_t> first = ParseWallClock(period->front()[0].value_or(""));
    std::optional<int64_t> last = ParseWallClock(period->front()[1].value_or(""));
    ASSERT_TRUE(first && last && *last > *first);
    plan_.first_second = *first;
    plan_.seconds = *last - *first + 1;
    auto cards = source_->Query("SELECT id FROM cartao ORDER BY id LIMIT 50");
    ASSERT_TRUE(cards.ok()) << cards.status().message();
    for (const db::Row& row : *cards) plan_.old_cards.push_back(ParseInteger(row[0].value_or("")).value_or(0));
    ASSERT_FALSE(plan_.old_cards.empty());
    root_ = MakeTestFolder("sicoop-snapshot");
  }

  // Commits the writer's transactions one after another until `stop`, counting them in `committed`.
  void Write(const std::atomic<bool>& stop, std::atomic<int64_t>& committed) {
    std::unique_ptr<db::Connection> writer = ConnectOrFail(url_);
    if (!writer) return;
    // Bounded even if the run never ends (the run itself is killed at its own limit).
    for (int64_t k = 1; !stop && k <= 1'000'000; ++k) {
      Status status = writer->Execute(WriterTransaction(writer->dialect(), plan_, k));
      if (!status.ok()) {
        ADD_FAILURE() << "writer commit " << k << ": " << status.message();
        return;
      }
      committed = k;
    }
  }

  std::string url_;
  std::unique_ptr<db::Connection> source_;
  WriterPlan plan_;
  fs::path root_;
};

// PostgreSQL: whether a session of this database other than the test's holds a snapshot in an
// open transaction. With sicoop's exported snapshot, that can only be after the export: sicoop's
// own transaction exports as its first query, and Spark's sessions adopt the export.
bool SomeSessionHoldsASnapshot(db::Connection& observer) {
  std::optional<int64_t> count = QueryInteger(
      observer,
      "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
      "AND backend_xmin IS NOT NULL AND state = 'idle in transaction'");
  return count.value_or(0) > 0;
}

TEST_P(SnapshotTest, TheFileIsOneStateOfTheDatabaseWhileAWriterCommits) {
  ASSERT_NO_FATAL_FAILURE(Prepare());
  const bool pg = GetParam() == "postgres";
  std::atomic<bool> stop = false;
  std::atomic<int64_t> committed = 0;
  std::thread writer([&] { Write(stop, committed); });
  // Some commits land before the run starts: those must all be in the file.
  for (auto deadline = std::chrono::steady_clock::now() + 60s;
       committed < 200 && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(10ms);
  }
  const int64_t before_run = committed;

  std::atomic<bool> run_done = false;
  SplitRunResult run;
  std::thread etl([&] {
    run = RunSicoopSplit({"etl", "--db", url_, "--output", (root_ / "out").string(), "--spark", SparkUrl(),
                          "--partitions", "8"},
                         {}, std::chrono::seconds(300));
    run_done = true;
  });
  // PostgreSQL: the last commit counted once the snapshot is known to exist; every commit that
  // starts after the next one is counted began after the export, so it must be absent.
  std::optional<int64_t> after_export;
  std::unique_ptr<db::Connection> observer = pg ? ConnectOrFail(url_) : nullptr;
  while (!run_done) {
    if (observer && !after_export && SomeSessionHoldsASnapshot(*observer)) after_export = committed.load();
    std::this_thread::sleep_for(20ms);
  }
  etl.join();
  stop = true;
  writer.join();
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  ASSERT_GE(committed.load(), before_run);

  std::vector<CsvRow> rows;
  std::string error;
  ASSERT_TRUE(ParseCsv(ReadWholeFile(root_ / "out" / "movimento_flat.csv"), ',', rows, error)) << error;
  // The writer's commits in the file: a prefix 1..last of their commit order.
  std::vector<bool> seen(static_cast<size_t>(committed.load()) + 2, false);
  int64_t last = 0;
  const std::regex writer_row("writer ([0-9]+)");
  for (size_t r = 1; r < rows.size(); ++r) {
    std::smatch match;
    if (rows[r].size() <= kDescriptionColumn || !std::regex_match(rows[r][kDescriptionColumn], match, writer_row)) {
      continue;
    }
    int64_t k = ParseInteger(match[1].str()).value_or(0);
    ASSERT_TRUE(k >= 1 && k < static_cast<int64_t>(seen.size())) << "row " << r << ": writer " << k;
    seen[static_cast<size_t>(k)] = true;
    last = std::max(last, k);
  }
  std::vector<int64_t> missing;
  for (int64_t k = 1; k <= last; ++k) {
    if (!seen[static_cast<size_t>(k)]) missing.push_back(k);
  }
  EXPECT_TRUE(missing.empty()) << missing.size() << " writer commits are missing while commit " << last
                               << " is in the file, the first " << missing.front();
  EXPECT_GE(last, before_run) << "commits made before the run started are missing";
  if (pg) {
    ASSERT_TRUE(after_export) << "no session of the run was ever seen holding a snapshot";
    EXPECT_LE(last, *after_export + 1) << "the file holds commits that began after the snapshot was exported";
    EXPECT_GE(*after_export, before_run);
  }
  std::cerr << "writer: " << before_run << " commits before the run, " << last << " in the file, "
            << committed.load() << " in all" << (after_export ? ", " + std::to_string(*after_export) + " when the "
                                                 "snapshot was seen" : "") << "\n";

  // Cell by cell, the file is the database's own flat view up to the writer's last commit in it:
  // nothing dropped by the join, nothing of another state.
  auto expected = source_->Query(
      "SELECT a.nome, a.sobrenome, a.idade, m.vlr_transacao, m.des_transacao, m.data_movimento, "
      "c.num_cartao, c.nom_impresso, c.data_criacao, co.tipo, co.data_criacao "
      "FROM movimento m JOIN cartao c ON m.id_cartao = c.id JOIN conta co ON c.id_conta = co.id "
      "JOIN associado a ON co.id_associado = a.id WHERE m.id <= " + std::to_string(plan_.movimento0 + last) +
      " ORDER BY m.data_movimento, m.id");
  ASSERT_TRUE(expected.ok()) << expected.status().message();
  ASSERT_EQ(rows.size(), expected->size() + 1);
  for (size_t r = 0; r < expected->size(); ++r) {
    const auto& want = (*expected)[r];
    const auto& got = rows[r + 1];
    ASSERT_EQ(got.size(), 11u) << "row " << r + 1;
    for (size_t c = 0; c < 11; ++c) {
      std::string value = want[c].value_or("");
      if (c == 6) value = std::string(value.size() - 4, '*') + value.substr(value.size() - 4);
      ASSERT_EQ(got[c], value) << "row " << r + 1 << ", column " << rows[0][c];
    }
  }
}

// MySQL/MariaDB: a movimento committed below the high-water mark after the mark was fixed (its id
// taken before a higher one that committed first) is what the mark cannot keep out; the run sees
// that the range changed under its read and fails instead of publishing.
TEST(MysqlHighWaterMarkTest, AMovimentoCommittedBelowTheMarkDuringTheReadFailsTheRun) {
  FreshDatabase fresh = MakeSeededDatabase("mysql", 100000);
  ASSERT_TRUE(fresh.connection);
  db::Connection& source = *fresh.connection;
  std::optional<int64_t> last_id = QueryInteger(source, "SELECT MAX(id) FROM movimento");
  std::optional<int64_t> card = QueryInteger(source, "SELECT MIN(id) FROM cartao");
  ASSERT_TRUE(last_id && card);
  auto insert = [&](int64_t id) {
    return "INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) VALUES (" +
           std::to_string(id) + ", 1.00, 'late', '2024-06-01 12:00:00', " + std::to_string(*card) + ")";
  };
  // The lower id stays uncommitted while the higher one commits: the mark is the higher one.
  std::unique_ptr<db::Connection> late = ConnectOrFail(fresh.url);
  ASSERT_TRUE(late);
  Status begun = late->Execute("START TRANSACTION; " + insert(*last_id + 1));
  ASSERT_TRUE(begun.ok()) << begun.message();
  Status higher = source.Execute(insert(*last_id + 2));
  ASSERT_TRUE(higher.ok()) << higher.message();

  const fs::path root = MakeTestFolder("sicoop-high-water-mark");
  std::atomic<bool> run_done = false;
  SplitRunResult run;
  std::thread etl([&] {
    run = RunSicoopSplit({"etl", "--db", fresh.url, "--output", (root / "out").string(), "--spark", SparkUrl(),
                          "--partitions", "8"},
                         {}, std::chrono::seconds(300));
    run_done = true;
  });
  // Spark reading movimento means the mark is fixed: the lower id commits now.
  bool reading_seen = false;
  while (!run_done && !reading_seen) {
    reading_seen = QueryInteger(source,
                                "SELECT COUNT(*) FROM information_schema.processlist WHERE db = DATABASE() AND "
                                "id <> CONNECTION_ID() AND info LIKE '%FROM movimento WHERE id <=%'")
                       .value_or(0) > 0;
    if (!reading_seen) std::this_thread::sleep_for(5ms);
  }
  Status committed = late->Execute("COMMIT");
  etl.join();
  fs::remove_all(root);
  ASSERT_TRUE(committed.ok()) << committed.message();
  ASSERT_TRUE(reading_seen) << "the run ended before Spark was seen reading movimento: " << run.out << run.err;
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_NE(run.err.find("table movimento of MySQL/MariaDB"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("changed under the run: 100001 rows with id <= " + std::to_string(*last_id + 2) +
                         " when the run started, 100002 after Spark read them"),
            std::string::npos)
      << run.err;
}

INSTANTIATE_TEST_SUITE_P(Dialects, SnapshotTest, ::testing::Values("postgres", "mysql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sicoop::testing
