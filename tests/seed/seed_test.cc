// The seed generator against real PostgreSQL and MariaDB servers: determinism, validity, realism
// within stated bounds, referential integrity, --append, and failures that leave nothing behind.
#include "seed/seed.h"

#include <gtest/gtest.h>

#include <map>

#include "common/numbers.h"
#include "db/empty_tables_load.h"
#include "db/schema.h"
#include "seed/card_number.h"
#include "support/fresh_database.h"

namespace sicoop::testing {
namespace {

// An MD5 of every row of `table` in id order, the same expression on both dialects.
std::string TableChecksum(db::Connection& connection, const std::string& table) {
  bool pg = connection.dialect() == db::Dialect::kPostgres;
  std::string columns;
  for (const auto& def : db::SourceSchema()) {
    if (def.name != table) continue;
    for (const auto& column : def.columns) columns += (columns.empty() ? "" : ", ") + column.name;
  }
  std::string row = "concat_ws('|', " + columns + ")";
  std::string sql = pg ? "SELECT md5(string_agg(" + row + ", ';' ORDER BY id)) FROM " + table
                       : "SELECT MD5(GROUP_CONCAT(" + row + " ORDER BY id SEPARATOR ';')) FROM " + table;
  if (!pg) {
    EXPECT_TRUE(connection.Execute("SET SESSION group_concat_max_len = 1073741824").ok());
  }
  auto rows = connection.Query(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().message();
  return rows.ok() ? (*rows)[0][0].value_or("") : "";
}

class SeedTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = MakeFreshDatabase(GetParam());
    ASSERT_TRUE(db_.connection);
    Status init = db::InitSchema(conn());
    ASSERT_TRUE(init.ok()) << init.message();
  }
  db::Connection& conn() { return *db_.connection; }
  bool pg() const { return GetParam() == "postgres"; }

  seed::SeedSummary SeedOrFail(const seed::SeedOptions& options) {
    auto summary = seed::Seed(conn(), options);
    EXPECT_TRUE(summary.ok()) << summary.status().message();
    return summary.ok() ? *summary : seed::SeedSummary{};
  }

  int64_t Number(const std::string& sql) {
    auto rows = conn().Query(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().message();
    if (!rows.ok() || rows->empty() || !(*rows)[0][0]) return -1;
    // The whole part: a decimal column's aggregates come as "250.00".
    const std::string& text = *(*rows)[0][0];
    return ParseInteger(text.substr(0, text.find('.'))).value_or(-1);
  }

  std::string Checksum(const std::string& table) { return TableChecksum(conn(), table); }

  std::string AllChecksums() {
    std::string all;
    for (const auto& def : db::SourceSchema()) all += Checksum(def.name) + " ";
    return all;
  }

  FreshDatabase db_;
};

// Every secondary index and primary key exists, and the session enforces every foreign key, whatever
// the load set aside while it ran.
void ExpectAllKeysAndIndexes(db::Connection& connection) {
  std::string sql = connection.dialect() == db::Dialect::kPostgres
                        ? "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE '%_idx'"
                        : "SELECT COUNT(DISTINCT table_name, index_name) FROM information_schema.statistics "
                          "WHERE table_schema = DATABASE() AND index_name LIKE '%_idx'";
  auto indexes = connection.Query(sql);
  ASSERT_TRUE(indexes.ok()) << indexes.status().message();
  // One per foreign-key column (docs/source-schema.md: four) and data_movimento: five, counted here rather than
  // taken from the code's own list.
  EXPECT_EQ((*indexes)[0][0], "5");
  const std::map<std::string, std::string> orphans = {
      {"conta", "INSERT INTO conta (id, tipo, data_criacao, id_associado) VALUES (999999999, 'CC', '2024-01-01', 999999999)"},
      {"cartao", "INSERT INTO cartao (id, num_cartao, nom_impresso, data_criacao, id_conta, id_associado) "
                 "VALUES (999999999, '4000000000000002', 'X', '2024-01-01', 999999999, 999999999)"},
      {"movimento", "INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) "
                    "VALUES (999999999, 1.00, 'x', '2024-01-01 00:00:00', 999999999)"},
  };
  for (const auto& [table, insert] : orphans) EXPECT_FALSE(connection.Execute(insert).ok()) << table;
  // Every table has its primary key back (PostgreSQL's load drops movimento's).
  std::string schema = connection.dialect() == db::Dialect::kPostgres ? "current_schema()" : "DATABASE()";
  auto keys = connection.Query("SELECT COUNT(*) FROM information_schema.table_constraints WHERE table_schema = " +
                               schema + " AND constraint_type = 'PRIMARY KEY'");
  ASSERT_TRUE(keys.ok()) << keys.status().message();
  EXPECT_EQ((*keys)[0][0], "4");
}

TEST_P(SeedTest, DefaultIsASmallRealisticDataset) {
  seed::SeedSummary summary = SeedOrFail({});
  EXPECT_EQ(summary.associados, 100);
  EXPECT_EQ(summary.movimentos, 5000);
  EXPECT_EQ(Number("SELECT COUNT(*) FROM associado"), 100);
  EXPECT_EQ(Number("SELECT COUNT(*) FROM conta"), summary.contas);
  EXPECT_EQ(Number("SELECT COUNT(*) FROM cartao"), summary.cartoes);
  EXPECT_EQ(Number("SELECT COUNT(*) FROM movimento"), 5000);
}

// Checksums of every table, computed by the database: a second run with other threads and chunk
// sizes gives the same rows, another seed other rows.
TEST_P(SeedTest, SameSeedSameRowsWhateverTheThreadsAndBatch) {
  seed::SeedOptions options;
  options.movimentos = 20000;
  options.associados = 150;
  options.seed = 7;
  options.threads = 1;
  options.batch = 20000;
  SeedOrFail(options);
  std::string first = AllChecksums();

  options.truncate = true;
  options.threads = 4;
  options.batch = 777;
  SeedOrFail(options);
  EXPECT_EQ(AllChecksums(), first);

  options.seed = 8;
  SeedOrFail(options);
  std::string other = AllChecksums();
  EXPECT_NE(other.substr(0, 33), first.substr(0, 33));
  EXPECT_NE(other.substr(99), first.substr(99));
}

TEST_P(SeedTest, CardNumbersPassLuhnAndReferencesHold) {
  seed::SeedOptions options;
  options.movimentos = 20000;
  options.associados = 300;
  seed::SeedSummary summary = SeedOrFail(options);
  auto cards = conn().Query("SELECT num_cartao, nom_impresso FROM cartao");
  ASSERT_TRUE(cards.ok());
  ASSERT_EQ(static_cast<int64_t>(cards->size()), summary.cartoes);
  for (const auto& row : *cards) {
    EXPECT_EQ(row[0]->size(), 16u) << *row[0];
    EXPECT_TRUE(seed::PassesLuhn(*row[0])) << *row[0];
    EXPECT_FALSE(row[1]->empty());
  }
  // Every member has 1-3 accounts, every account 1-2 cards, some cards belong to another member.
  EXPECT_EQ(Number("SELECT COUNT(*) FROM associado a WHERE NOT EXISTS (SELECT 1 FROM conta c WHERE c.id_associado = a.id)"), 0);
  EXPECT_EQ(Number("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM conta GROUP BY id_associado) x"), 3);
  EXPECT_EQ(Number("SELECT COUNT(*) FROM conta c WHERE NOT EXISTS (SELECT 1 FROM cartao k WHERE k.id_conta = c.id)"), 0);
  EXPECT_EQ(Number("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM cartao GROUP BY id_conta) x"), 2);
  int64_t additional = Number("SELECT COUNT(*) FROM cartao k JOIN conta c ON k.id_conta = c.id WHERE k.id_associado <> c.id_associado");
  EXPECT_GT(additional, summary.cartoes / 50);
  EXPECT_LT(additional, summary.cartoes / 5);
  EXPECT_EQ(Number("SELECT COUNT(*) FROM conta WHERE tipo NOT IN ('CC', 'CP')"), 0);
  // Nothing happens before the card exists, or the account, and everything is inside the period.
  EXPECT_EQ(Number("SELECT COUNT(*) FROM movimento m JOIN cartao k ON m.id_cartao = k.id WHERE m.data_movimento < k.data_criacao"), 0);
  EXPECT_EQ(Number("SELECT COUNT(*) FROM cartao k JOIN conta c ON k.id_conta = c.id WHERE k.data_criacao < c.data_criacao"), 0);
  EXPECT_EQ(Number("SELECT COUNT(*) FROM movimento WHERE data_movimento < '2024-01-01' OR data_movimento >= '2025-01-01'"), 0);
  ExpectAllKeysAndIndexes(conn());
}

TEST_P(SeedTest, DistributionsStayWithinTheirStatedBounds) {
  seed::SeedOptions options;
  options.movimentos = 50000;
  options.associados = 1000;
  SeedOrFail(options);
  EXPECT_GE(Number("SELECT MIN(idade) FROM associado"), 18);
  EXPECT_LE(Number("SELECT MAX(idade) FROM associado"), 90);
  int64_t mean_age = Number("SELECT ROUND(AVG(idade)) FROM associado");
  EXPECT_GE(mean_age, 38);
  EXPECT_LE(mean_age, 50);
  EXPECT_GT(Number("SELECT COUNT(*) FROM associado WHERE email IS NULL"), 150);
  // Accented names: more characters than bytes would allow otherwise.
  EXPECT_GT(Number(pg() ? "SELECT COUNT(*) FROM associado WHERE octet_length(nome || sobrenome) > length(nome || sobrenome)"
                        : "SELECT COUNT(*) FROM associado WHERE LENGTH(CONCAT(nome, sobrenome)) > CHAR_LENGTH(CONCAT(nome, sobrenome))"),
            200);
  // About 1% refunds; amounts are cents within the categories' ranges.
  int64_t refunds = Number("SELECT COUNT(*) FROM movimento WHERE vlr_transacao < 0");
  EXPECT_GE(refunds, 350);
  EXPECT_LE(refunds, 650);
  EXPECT_EQ(Number("SELECT COUNT(*) FROM movimento WHERE vlr_transacao < 0 AND des_transacao NOT LIKE 'Estorno %'"), 0);
  EXPECT_GE(Number("SELECT MIN(ABS(vlr_transacao)) * 100 FROM movimento"), 250);
  EXPECT_LE(Number("SELECT MAX(vlr_transacao) FROM movimento"), 9000);
  int64_t mean_amount = Number("SELECT ROUND(AVG(vlr_transacao)) FROM movimento");
  EXPECT_GE(mean_amount, 60);
  EXPECT_LE(mean_amount, 160);
  // Groceries are the commonest purchase; the median grocery bill is near R$ 85.
  int64_t mercado = Number("SELECT COUNT(*) FROM movimento WHERE des_transacao LIKE 'Supermercado%' OR "
                           "des_transacao LIKE 'Atacad%' OR des_transacao LIKE 'Carrefour%' OR des_transacao LIKE 'Assa%'");
  EXPECT_GT(mercado, 50000 / 10);
  // Weekly and daily seasonality: Fridays are busier than Sundays, nights are quiet.
  std::string weekday = pg() ? "EXTRACT(ISODOW FROM data_movimento)" : "(WEEKDAY(data_movimento) + 1)";
  int64_t fridays = Number("SELECT COUNT(*) FROM movimento WHERE " + weekday + " = 5");
  int64_t sundays = Number("SELECT COUNT(*) FROM movimento WHERE " + weekday + " = 7");
  EXPECT_GT(fridays, sundays * 14 / 10);
  EXPECT_LT(fridays, sundays * 23 / 10);
  std::string hour = pg() ? "EXTRACT(HOUR FROM data_movimento)" : "HOUR(data_movimento)";
  int64_t night = Number("SELECT COUNT(*) FROM movimento WHERE " + hour + " < 6");
  EXPECT_LT(night, 50000 / 10);
  EXPECT_GT(night, 50000 / 100);
  int64_t december = Number(std::string("SELECT COUNT(*) FROM movimento WHERE ") +
                            (pg() ? "EXTRACT(MONTH FROM data_movimento)" : "MONTH(data_movimento)") + " = 12");
  EXPECT_GT(december, 50000 / 12);
  // What is bought depends on the hour: restaurants at lunch, subscriptions charged at night.
  auto in_hours = [&](const std::string& merchant, int from, int to) {
    return Number("SELECT COUNT(*) FROM movimento WHERE des_transacao LIKE '" + merchant + "%' AND " + hour +
                  " BETWEEN " + std::to_string(from) + " AND " + std::to_string(to));
  };
  EXPECT_GT(in_hours("Churrascaria", 11, 13), 5 * in_hours("Churrascaria", 2, 4));
  EXPECT_GT(in_hours("Netflix", 0, 2), 3 * in_hours("Netflix", 8, 10));
  // Ids follow time, as in a transaction log.
  EXPECT_EQ(Number("SELECT COUNT(*) FROM movimento a JOIN movimento b ON b.id = a.id + 1 "
                   "WHERE b.data_movimento < a.data_movimento"),
            0);
  // ...and still fill the whole period.
  EXPECT_GT(Number("SELECT COUNT(*) FROM movimento WHERE data_movimento < '2024-01-02'"), 0);
  EXPECT_GT(Number("SELECT COUNT(*) FROM movimento WHERE data_movimento >= '2024-12-31'"), 0);
}

TEST_P(SeedTest, AppendContinuesIdsAndKeepsExistingRows) {
  seed::SeedOptions options;
  options.movimentos = 3000;
  options.associados = 50;
  seed::SeedSummary first = SeedOrFail(options);
  std::string before = Checksum("movimento");

  options.append = true;
  options.from = "2025-01-01";
  options.to = "2025-01-31";
  options.associados = 10;
  options.movimentos = 1000;
  seed::SeedSummary second = SeedOrFail(options);
  for (const auto& [table, count] : std::vector<std::pair<std::string, int64_t>>{
           {"associado", first.associados + second.associados}, {"conta", first.contas + second.contas},
           {"cartao", first.cartoes + second.cartoes}, {"movimento", 4000}}) {
    EXPECT_EQ(Number("SELECT COUNT(*) FROM " + table), count) << table;
    EXPECT_EQ(Number("SELECT MIN(id) FROM " + table), 1) << table;
    EXPECT_EQ(Number("SELECT MAX(id) FROM " + table), count) << table;
  }
  EXPECT_EQ(Number("SELECT COUNT(*) FROM movimento WHERE id > 3000 AND data_movimento < '2025-01-01'"), 0);
  // The new movimentos use old cards as well as new ones.
  EXPECT_GT(Number("SELECT COUNT(*) FROM movimento WHERE id > 3000 AND id_cartao <= " + std::to_string(first.cartoes)), 500);
  ASSERT_TRUE(conn().Execute("DELETE FROM movimento WHERE id > 3000").ok());
  EXPECT_EQ(Checksum("movimento"), before);
}

TEST_P(SeedTest, LoadIntoEmptyTablesRefusesADanglingReference) {
  ASSERT_TRUE(conn().Execute("BEGIN").ok());
  Status begun = db::BeginEmptyTablesLoad(conn());
  ASSERT_TRUE(begun.ok()) << begun.message();
  // With the keys set aside nothing stops a movimento of a card that does not exist...
  Status inserted = conn().Execute(
      "INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) "
      "VALUES (1, 1.00, 'x', '2024-01-01 00:00:00', 424242)");
  ASSERT_TRUE(inserted.ok()) << inserted.message();
  // ...until the load finishes.
  Status finished = db::FinishEmptyTablesLoad(conn());
  ASSERT_FALSE(finished.ok());
  EXPECT_NE(finished.message().find("movimento_id_cartao_fk"), std::string::npos) << finished.message();
  ASSERT_TRUE(conn().Execute("ROLLBACK").ok());
  db::AbandonEmptyTablesLoad(conn());
  EXPECT_EQ(Number("SELECT COUNT(*) FROM movimento"), 0);
  ExpectAllKeysAndIndexes(conn());
}

TEST_P(SeedTest, ExistingRowsNeedAppendOrTruncate) {
  SeedOrFail({});
  auto again = seed::Seed(conn(), {});
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("--append"), std::string::npos) << again.status().message();
  seed::SeedOptions truncate;
  truncate.truncate = true;
  truncate.movimentos = 700;
  SeedOrFail(truncate);
  EXPECT_EQ(Number("SELECT COUNT(*) FROM movimento"), 700);
  EXPECT_EQ(Number("SELECT MIN(id) FROM movimento"), 1);
}

TEST_P(SeedTest, BadCountsAndDatesAreUsageErrors) {
  auto usage = [&](seed::SeedOptions options, const std::string& words) {
    auto result = seed::Seed(conn(), options);
    ASSERT_FALSE(result.ok());
    EXPECT_TRUE(result.status().is_usage()) << result.status().message();
    EXPECT_NE(result.status().message().find(words), std::string::npos) << result.status().message();
  };
  seed::SeedOptions o;
  o.movimentos = -1;
  usage(o, "--movimentos");
  o = {};
  o.associados = seed::kMaxAssociados + 1;
  usage(o, "--associados");
  o = {};
  o.from = "2024-02-30";
  usage(o, "--from");
  o = {};
  o.from = "2025-01-01";
  usage(o, "--from must not be after --to");
  o = {};
  o.append = o.truncate = true;
  usage(o, "exclude");
  o = {};
  o.associados = 0;
  o.movimentos = 10;
  usage(o, "--associados");
  EXPECT_EQ(Number("SELECT COUNT(*) FROM associado"), 0);
}

TEST_P(SeedTest, NoSchemaPointsAtDbInit) {
  ASSERT_TRUE(conn().Execute("DROP TABLE movimento").ok());
  auto result = seed::Seed(conn(), {});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("sicoop db init"), std::string::npos) << result.status().message();
}

TEST_P(SeedTest, ConnectionLostMidLoadLeavesNothingLoaded) {
  auto admin = ConnectOrFail(db_.url);
  ASSERT_TRUE(admin);
  auto session = conn().SessionId();
  ASSERT_TRUE(session.ok());
  bool killed = false;
  seed::SeedOptions options;
  options.movimentos = 2'000'000;
  options.batch = 10000;
  auto result = seed::Seed(conn(), options, [&](const seed::SeedProgress& progress) {
    if (killed || progress.table != "movimento" || progress.rows_done < 200000) return;
    killed = true;
    std::string sql = pg() ? "SELECT pg_terminate_backend(" + std::to_string(*session) + ")"
                           : "KILL " + std::to_string(*session);
    EXPECT_TRUE(admin->Execute(sql).ok());
  });
  ASSERT_TRUE(killed);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("nothing was loaded"), std::string::npos) << result.status().message();
  EXPECT_NE(result.status().message().find("127.0.0.1:"), std::string::npos) << result.status().message();
  for (const auto& def : db::SourceSchema()) {
    auto rows = admin->Query("SELECT COUNT(*) FROM " + def.name);
    ASSERT_TRUE(rows.ok()) << rows.status().message();
    EXPECT_EQ((*rows)[0][0], "0") << def.name;
  }
  ExpectAllKeysAndIndexes(*admin);
}

// PostgreSQL receives binary COPY rows and MySQL LOAD DATA text: both must hold the same values.
TEST(SeedFormatsTest, PostgresBinaryAndMysqlTextLoadTheSameRows) {
  FreshDatabase pg = MakeFreshDatabase("postgres");
  FreshDatabase my = MakeFreshDatabase("mysql");
  ASSERT_TRUE(pg.connection && my.connection);
  seed::SeedOptions options;
  options.movimentos = 30000;
  options.associados = 400;
  for (db::Connection* connection : {pg.connection.get(), my.connection.get()}) {
    ASSERT_TRUE(db::InitSchema(*connection).ok());
    auto summary = seed::Seed(*connection, options);
    ASSERT_TRUE(summary.ok()) << summary.status().message();
  }
  for (const auto& def : db::SourceSchema()) {
    std::string checksum = TableChecksum(*pg.connection, def.name);
    EXPECT_EQ(checksum.size(), 32u) << def.name;
    EXPECT_EQ(checksum, TableChecksum(*my.connection, def.name)) << def.name;
  }
}

INSTANTIATE_TEST_SUITE_P(Dialects, SeedTest, ::testing::Values("postgres", "mysql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sicoop::testing
