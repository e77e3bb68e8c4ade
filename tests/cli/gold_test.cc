// The gold tables end to end (issue 12): `sicoop etl --lake` against the harness PostgreSQL and
// MariaDB and the fixture's Spark server, the gold tables read back with pyiceberg (no Spark), and
// compared cell by cell, for a sample of members, with the same figures the source database computes
// in SQL: the merchant category from a CASE built from the same catalog (common/merchant_catalog.h),
// the features' windows from a self-join. Then the incremental path: movimentos appended into a new
// and an old month recompute those months alone, and give the tables a build from scratch gives.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/merchant_catalog.h"
#include "support/csv_reader.h"
#include "support/files.h"
#include "support/read_iceberg.h"
#include "support/run_sicoop.h"
#include "support/seeded_database.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;

constexpr auto kRunLimit = std::chrono::seconds(400);

// A SQL string literal for PostgreSQL and MariaDB alike.
std::string Quoted(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

// An amount as cents: "12.5", "12.50", "-0", "0" alike; the databases and pyiceberg print different
// scales for the same value.
int64_t Cents(const std::string& text) {
  EXPECT_FALSE(text.empty()) << "no amount";
  const bool negative = !text.empty() && text[0] == '-';
  const std::string digits = negative ? text.substr(1) : text;
  const size_t dot = digits.find('.');
  std::string whole = dot == std::string::npos ? digits : digits.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : digits.substr(dot + 1);
  fraction = (fraction + "00").substr(0, 2);
  const int64_t cents = std::stoll(whole.empty() ? "0" : whole) * 100 + std::stoll(fraction);
  return negative ? -cents : cents;
}

// The source's movimentos joined as the flat view joins them (the member is the account's owner),
// with their month, category and the columns the checks need, for `dialect`.
std::string SourceMovimentos(const std::string& dialect) {
  const bool postgres = dialect == "postgres";
  const std::string month =
      postgres ? "to_char(m.data_movimento, 'YYYY-MM-01')" : "DATE_FORMAT(m.data_movimento, '%Y-%m-01')";
  auto last_part = [&](const std::string& text) {
    return (postgres ? "split_part(" : "SUBSTRING_INDEX(") + text + ", ' - ', -1)";
  };
  const size_t prefix = kRefundPrefix.size();
  std::string category = "CASE merchant";
  for (const MerchantCategory& entry : MerchantCatalog()) {
    for (const CatalogMerchant& merchant : entry.merchants) {
      category += " WHEN " + Quoted(merchant.name) + " THEN " + Quoted(entry.name);
    }
  }
  category += " ELSE " + Quoted(kOtherCategoryName) + " END";
  const std::string joined =
      "SELECT m.id, m.vlr_transacao AS v, m.data_movimento AS dt, m.id_cartao, ca.id_conta, co.id_associado, "
      "ca.data_criacao AS criacao_cartao, co.data_criacao AS criacao_conta, " + month + " AS mes, "
      "CASE WHEN m.des_transacao LIKE " + Quoted(std::string(kRefundPrefix) + "%") + " THEN substr(m.des_transacao, " +
      std::to_string(prefix + 1) + ") ELSE m.des_transacao END AS sem_estorno, "
      "CASE WHEN position(' - ' IN m.des_transacao) > 0 THEN " + last_part("m.des_transacao") + " END AS cidade "
      "FROM movimento m JOIN cartao ca ON ca.id = m.id_cartao JOIN conta co ON co.id = ca.id_conta "
      "JOIN associado a ON a.id = co.id_associado";
  const std::string with_merchant =
      "SELECT j.*, CASE WHEN position(' - ' IN sem_estorno) > 0 THEN left(sem_estorno, char_length(sem_estorno) - "
      "char_length(" + last_part("sem_estorno") + ") - 3) ELSE sem_estorno END AS merchant FROM (" + joined + ") j";
  return "(SELECT w.*, " + category + " AS categoria FROM (" + with_merchant + ") w)";
}

class GoldTest : public ::testing::Test {
 protected:
  void Start(const std::string& dialect, int64_t movimentos) {
    dialect_ = dialect;
    FreshDatabase fresh = MakeSeededDatabase(dialect, movimentos, 11);
    ASSERT_TRUE(fresh.connection);
    url_ = fresh.url;
    source_ = std::move(fresh.connection);
    root_ = MakeTestFolder("sicoop-gold");
    key_ = root_ / "token.key";
    ASSERT_TRUE(WriteTokenKeyFile(key_));
  }

  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  // `sicoop etl --lake LAKE` with --json: its stdout is the run's manifest.
  SplitRunResult LakeEtl(const fs::path& lake) {
    return RunSicoopSplit({"etl", "--db", url_, "--output", (root_ / "out").string(), "--lake", lake.string(),
                           "--token-key-file", key_.string(), "--spark", SparkUrl(), "--json"},
                          {}, kRunLimit);
  }

  void Execute(const std::string& sql) {
    Status done = source_->Execute(sql);
    ASSERT_TRUE(done.ok()) << sql << ": " << done.message();
  }

  std::vector<std::vector<std::string>> Query(const std::string& sql) {
    auto rows = source_->Query(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().message();
    std::vector<std::vector<std::string>> text;
    if (!rows.ok()) return text;
    for (const auto& row : *rows) {
      std::vector<std::string>& line = text.emplace_back();
      for (const auto& value : row) line.push_back(value.value_or(""));
    }
    return text;
  }

  std::string One(const std::string& sql) {
    auto rows = Query(sql);
    return rows.empty() || rows[0].empty() ? "" : rows[0][0];
  }

  // Adds a movimento of `card` at the card's first movimento plus `minutes`.
  void AddMovimento(const std::string& card, const std::string& amount, const std::string& description, int minutes) {
    const std::string id = std::to_string(std::stoll(One("SELECT MAX(id) FROM movimento")) + 1);
    const std::string first = One("SELECT MIN(data_movimento) FROM movimento WHERE id_cartao = " + card);
    ASSERT_FALSE(first.empty());
    Execute("INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) VALUES (" + id + ", " +
            amount + ", " + Quoted(description) + ", CAST(" + Quoted(first) + (dialect_ == "postgres" ? " AS TIMESTAMP)" : " AS DATETIME)") +
            " + INTERVAL '" + std::to_string(minutes) +
            "' MINUTE, " + card + ")");
  }

  // The rows of a gold table, read without Spark, by the text of their key columns joined by '|'.
  std::map<std::string, std::map<std::string, std::string>> Gold(const fs::path& lake, const std::string& table,
                                                                  const std::vector<std::string>& key) {
    std::vector<CsvRow> rows;
    std::string error;
    const std::string text = ReadIcebergTable(lake, "gold", table);
    EXPECT_TRUE(ParseCsv(text, ',', rows, error)) << error;
    std::map<std::string, std::map<std::string, std::string>> by_key;
    if (rows.empty()) return by_key;
    for (size_t r = 1; r < rows.size(); ++r) {
      std::map<std::string, std::string> row;
      for (size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) row[rows[0][c]] = rows[r][c];
      std::string id;
      for (const std::string& column : key) id += (id.empty() ? "" : "|") + row[column];
      EXPECT_TRUE(by_key.emplace(id, row).second) << table << ": two rows for " << id;
    }
    return by_key;
  }

  // The most movimentos that `where` (given a table alias) selects, of one `key` (id_cartao,
  // id_associado), in any 60 minutes, per key among the sample members: a self-join, not a window, so
  // that it is computed another way than Spark's. A key without such movimentos has no entry.
  std::map<std::string, std::string> Peaks(const std::string& key, const std::string& members,
                                           const std::function<std::string(const std::string&)>& where) {
    const std::string movimentos = SourceMovimentos(dialect_);
    std::map<std::string, std::string> peaks;
    for (const auto& row : Query("SELECT k, MAX(n) FROM (SELECT x." + key + " AS k, x.id, COUNT(*) AS n FROM " +
                                 movimentos + " x JOIN " + movimentos + " y ON y." + key + " = x." + key +
                                 " AND y.dt <= x.dt AND y.dt >= x.dt - INTERVAL '3599' SECOND AND " + where("y") +
                                 " WHERE " + where("x") + " AND x.id_associado IN (" + members + ") GROUP BY x." + key +
                                 ", x.id) c GROUP BY k")) {
      peaks[row[0]] = row[1];
    }
    return peaks;
  }

  // Per `key` among the sample members: consecutive in-person movimentos (by time, then id) in two
  // cities less than 60 minutes apart.
  // Per key: the jumps between the cities of consecutive in-person movimentos less than 60 and less
  // than 20 minutes apart, and those of the latter between two cities other than the usual one (the
  // city of most of the key's in-person movimentos, a tie to the first by code point, as Spark orders).
  std::map<std::string, std::vector<std::string>> CityJumps(const std::string& key, const std::string& members) {
    const std::string movimentos = SourceMovimentos(dialect_);
    const std::string by_code_point = dialect_ == "postgres" ? "cidade COLLATE \"C\"" : "CAST(cidade AS BINARY)";
    auto within = [](int seconds, const std::string& also) {
      return "SUM(CASE WHEN cidade <> anterior AND dt < dt_anterior + INTERVAL '" + std::to_string(seconds) +
             "' SECOND" + also + " THEN 1 ELSE 0 END)";
    };
    std::map<std::string, std::vector<std::string>> jumps;
    for (const auto& row : Query(
             "SELECT j.k, " + within(3600, "") + ", " + within(1200, "") + ", " +
             within(1200, " AND cidade <> habitual AND anterior <> habitual") + " FROM (SELECT " + key +
             " AS k, cidade, dt, LAG(cidade) OVER (PARTITION BY " + key + " ORDER BY dt, id) AS anterior, LAG(dt) OVER "
             "(PARTITION BY " + key + " ORDER BY dt, id) AS dt_anterior FROM " + movimentos +
             " s WHERE cidade IS NOT NULL AND id_associado IN (" + members + ")) j JOIN (SELECT k, cidade AS habitual FROM "
             "(SELECT " + key + " AS k, cidade, ROW_NUMBER() OVER (PARTITION BY " + key + " ORDER BY COUNT(*) DESC, " +
             by_code_point + ") AS ordem FROM " + movimentos + " s WHERE cidade IS NOT NULL AND id_associado IN (" +
             members + ") GROUP BY " + key + ", cidade) c WHERE ordem = 1) h ON h.k = j.k GROUP BY j.k")) {
      jumps[row[0]] = {row[1], row[2], row[3]};
    }
    return jumps;
  }

  std::string dialect_;
  std::string url_;
  std::unique_ptr<db::Connection> source_;
  fs::path root_;
  fs::path key_;
};

class GoldOnEachDatabaseTest : public GoldTest, public ::testing::WithParamInterface<std::string> {};

// Refunds, a merchant not in the catalog, an amount of 0.00, a burst of movimentos and a member with
// two accounts among the sample; every row of the sample's members in associado_mes and
// associado_mes_categoria, and their cards' and their own features, as the database computes them.
TEST_P(GoldOnEachDatabaseTest, GoldTablesHoldWhatTheDatabaseComputes) {
  ASSERT_NO_FATAL_FAILURE(Start(GetParam(), 1500));
  const std::string two_accounts =
      One("SELECT co.id_associado FROM conta co JOIN cartao ca ON ca.id_conta = co.id JOIN movimento m ON m.id_cartao = "
          "ca.id GROUP BY co.id_associado HAVING COUNT(DISTINCT co.id) >= 2 ORDER BY co.id_associado");
  ASSERT_FALSE(two_accounts.empty()) << "the seed gave no member movimentos on two accounts";
  const std::string member = "3";
  const std::string card =
      One("SELECT MIN(ca.id) FROM cartao ca JOIN conta co ON co.id = ca.id_conta JOIN movimento m ON m.id_cartao = ca.id "
          "WHERE co.id_associado = " + member);
  ASSERT_FALSE(card.empty());
  ASSERT_NO_FATAL_FAILURE(AddMovimento(card, "55.00", "Loja Sem Cadastro - Curitiba", 1));
  ASSERT_NO_FATAL_FAILURE(AddMovimento(card, "0.00", "Netflix.com", 2));
  ASSERT_NO_FATAL_FAILURE(AddMovimento(card, "-30.00", std::string(kRefundPrefix) + "Droga Raia - Maringá", 3));
  ASSERT_NO_FATAL_FAILURE(AddMovimento(card, "4.50", "McDonald's - Londrina", 4));
  ASSERT_NO_FATAL_FAILURE(AddMovimento(card, "7.90", "Padaria Pão Quente - São Paulo", 5));
  const std::set<std::string> sample_members = {member, two_accounts, "20", "40", "77"};
  std::string members;
  for (const std::string& id : sample_members) members += (members.empty() ? "" : ", ") + id;

  const fs::path lake = root_ / "lake";
  const SplitRunResult run = LakeEtl(lake);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string movimentos = SourceMovimentos(GetParam());

  // associado_mes.
  auto months = Gold(lake, "associado_mes", {"id_associado", "mes"});
  const auto expected_months = Query(
      "SELECT id_associado, mes, COUNT(*), SUM(CASE WHEN v >= 0 THEN 1 ELSE 0 END), "
      "COALESCE(SUM(CASE WHEN v >= 0 THEN v END), 0), "
      "ROUND(SUM(CASE WHEN v >= 0 THEN v END) / NULLIF(SUM(CASE WHEN v >= 0 THEN 1 ELSE 0 END), 0), 2), "
      "SUM(CASE WHEN v < 0 THEN 1 ELSE 0 END), -COALESCE(SUM(CASE WHEN v < 0 THEN v END), 0), "
      "COUNT(DISTINCT id_cartao), COUNT(DISTINCT id_conta) FROM " + movimentos +
      " s WHERE id_associado IN (" + members + ") GROUP BY id_associado, mes");
  ASSERT_GT(expected_months.size(), 10u);
  std::set<std::string> sample;
  bool saw_two_accounts = false;
  for (const auto& expected : expected_months) {
    const std::string id = expected[0] + "|" + expected[1];
    SCOPED_TRACE("associado_mes " + id);
    sample.insert(id);
    ASSERT_TRUE(months.count(id));
    auto& row = months[id];
    EXPECT_EQ(row["movimentos"], expected[2]);
    EXPECT_EQ(row["compras"], expected[3]);
    EXPECT_EQ(Cents(row["gasto"]), Cents(expected[4]));
    if (expected[5].empty()) {
      EXPECT_EQ(row["ticket_medio"], "");
    } else {
      EXPECT_EQ(Cents(row["ticket_medio"]), Cents(expected[5]));
    }
    EXPECT_EQ(row["estornos"], expected[6]);
    EXPECT_EQ(Cents(row["valor_estornado"]), Cents(expected[7]));
    EXPECT_EQ(row["cartoes_em_uso"], expected[8]);
    EXPECT_EQ(row["contas_em_uso"], expected[9]);
    if (expected[9] != "1") saw_two_accounts = true;
  }
  EXPECT_TRUE(saw_two_accounts) << "no member-month of the sample used two accounts";
  // No row of a sample member that the database does not have.
  for (const auto& [id, row] : months) {
    if (sample_members.count(row.at("id_associado"))) {
      EXPECT_TRUE(sample.count(id)) << "associado_mes " << id;
    }
  }

  // associado_mes_categoria: the refunded and the 0.00 movimento, the unknown merchant as "outros".
  auto categories = Gold(lake, "associado_mes_categoria", {"id_associado", "mes", "categoria"});
  const auto expected_categories =
      Query("SELECT id_associado, mes, categoria, COUNT(*), SUM(v) FROM " + movimentos + " s WHERE v >= 0 AND " +
            "id_associado IN (" + members + ") GROUP BY id_associado, mes, categoria");
  bool saw_other = false;
  size_t sample_rows = 0;
  for (const auto& expected : expected_categories) {
    const std::string id = expected[0] + "|" + expected[1] + "|" + expected[2];
    SCOPED_TRACE("associado_mes_categoria " + id);
    ASSERT_TRUE(categories.count(id));
    EXPECT_EQ(categories[id]["compras"], expected[3]);
    EXPECT_EQ(Cents(categories[id]["gasto"]), Cents(expected[4]));
    // Every merchant the seed draws is in the catalog: the one movimento added above alone is not.
    if (expected[2] == kOtherCategoryName) {
      EXPECT_FALSE(saw_other) << "two member-months with merchants not in the catalog";
      EXPECT_EQ(expected[0] + "|" + expected[3] + "|" + std::to_string(Cents(expected[4])), member + "|1|5500");
      saw_other = true;
    }
  }
  for (const auto& [id, row] : categories) sample_rows += sample_members.count(row.at("id_associado"));
  EXPECT_EQ(sample_rows, expected_categories.size());
  EXPECT_TRUE(saw_other) << "the merchant not in the catalog is not in 'outros'";

  // The features: frequency, monetary, refund rate, tenure, the peaks in 60 minutes (all movimentos,
  // purchases under R$ 10.00), the jumps between cities and the largest purchase at night, per card
  // and per member.
  const std::string reference = "(SELECT MAX(data_movimento) FROM movimento)";
  auto days = [&](const std::string& since) {
    return GetParam() == "postgres" ? "(CAST(" + reference + " AS DATE) - CAST(" + since + " AS DATE))"
                                    : "DATEDIFF(" + reference + ", " + since + ")";
  };
  for (const auto& [table, key] : std::vector<std::pair<std::string, std::string>>{
           {"features_cartao", "id_cartao"}, {"features_associado", "id_associado"}}) {
    auto features = Gold(lake, table, {key});
    const auto peaks = Peaks(key, members, [](const std::string&) { return "1 = 1"; });
    const auto small_bursts =
        Peaks(key, members, [](const std::string& alias) { return alias + ".v >= 0 AND " + alias + ".v < 10"; });
    const auto jumps = CityJumps(key, members);
    const auto expected_features = Query(
        "SELECT " + key + ", COUNT(*), COALESCE(SUM(CASE WHEN v >= 0 THEN v END), 0), "
        "SUM(CASE WHEN v < 0 THEN 1 ELSE 0 END), " + days("MIN(criacao_cartao)") + ", " + days("MIN(criacao_conta)") +
        ", COUNT(DISTINCT id_cartao), COUNT(DISTINCT id_conta), "
        "COALESCE(MAX(CASE WHEN v >= 0 AND EXTRACT(HOUR FROM dt) < 6 THEN v END), 0) FROM " + movimentos +
        " s WHERE id_associado IN (" +
        members + ") GROUP BY " + key);
    ASSERT_GE(expected_features.size(), sample_members.size());
    bool saw_burst = false;
    bool saw_fraud_like = false;
    for (const auto& expected : expected_features) {
      SCOPED_TRACE(table + " " + expected[0]);
      ASSERT_TRUE(features.count(expected[0]));
      auto& row = features[expected[0]];
      EXPECT_EQ(row["frequencia"], expected[1]);
      EXPECT_EQ(Cents(row["monetario"]), Cents(expected[2]));
      const double refund_rate = std::stod(expected[3]) / std::stod(expected[1]);
      EXPECT_NEAR(std::stod(row["taxa_estorno"]), refund_rate, 1e-12);
      EXPECT_EQ(row["tempo_cartao_dias"], expected[4]);
      EXPECT_EQ(row["tempo_conta_dias"], expected[5]);
      EXPECT_EQ(row["velocidade_60min"], peaks.at(expected[0]));
      EXPECT_EQ(row["compras_pequenas_60min"], small_bursts.count(expected[0]) ? small_bursts.at(expected[0]) : "0");
      const std::vector<std::string> no_jumps = {"0", "0", "0"};
      const auto& card_jumps = jumps.count(expected[0]) ? jumps.at(expected[0]) : no_jumps;
      EXPECT_EQ(row["saltos_de_cidade_60min"], card_jumps[0]);
      EXPECT_EQ(row["saltos_de_cidade_20min"], card_jumps[1]);
      EXPECT_EQ(row["saltos_fora_da_cidade_habitual_20min"], card_jumps[2]);
      EXPECT_EQ(Cents(row["maior_compra_madrugada"]), Cents(expected[8]));
      if (std::stoi(row["velocidade_60min"]) >= 5) saw_burst = true;
      if (std::stoi(row["compras_pequenas_60min"]) >= 2 && std::stoi(row["saltos_de_cidade_60min"]) >= 3 &&
          std::stoi(row["saltos_de_cidade_20min"]) >= 3 && std::stoi(row["saltos_fora_da_cidade_habitual_20min"]) >= 1) {
        saw_fraud_like = true;
      }
      if (key == "id_associado") {
        EXPECT_EQ(row["cartoes"], expected[6]);
        EXPECT_EQ(row["contas"], expected[7]);
      }
    }
    EXPECT_TRUE(saw_burst) << table << ": the five movimentos within minutes are no peak";
    EXPECT_TRUE(saw_fraud_like) << table << ": the two small purchases and four cities within minutes are not seen";
  }
}

INSTANTIATE_TEST_SUITE_P(Dialects, GoldOnEachDatabaseTest, ::testing::Values("postgres", "mysql"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// Movimentos appended into a month after the lake's last and into an old one: the next run adds
// them to curated, recomputes those two months of the per-month tables and the features, and the
// tables equal those of a lake built from scratch on the same source; a run with nothing new
// commits nothing.
TEST_F(GoldTest, AppendedMonthsAloneAreRecomputedAndEqualARebuild) {
  ASSERT_NO_FATAL_FAILURE(Start("postgres", 1500));
  const fs::path lake = root_ / "lake";
  const SplitRunResult first = LakeEtl(lake);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find(R"("associado_mes":{"mode":"rebuilt","months":[],)"), std::string::npos) << first.out;

  const std::string old_card = One(
      "SELECT id_cartao FROM movimento GROUP BY id_cartao HAVING MIN(data_movimento) < '2024-03-01' ORDER BY id_cartao");
  ASSERT_FALSE(old_card.empty());
  const std::string next_id = std::to_string(std::stoll(One("SELECT MAX(id) FROM movimento")) + 1);
  Execute("INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) VALUES (" + next_id +
          ", 80.00, 'Drogasil - Curitiba', '2025-02-10 10:00:00', " + old_card + "), (" + next_id + " + 1, -80.00, " +
          "'Estorno Drogasil - Curitiba', '2025-02-11 10:00:00', " + old_card + "), (" + next_id + " + 2, 12.00, " +
          "'Spotify', '2024-03-15 23:30:00', " + old_card + ")");

  const SplitRunResult appended = LakeEtl(lake);
  ASSERT_EQ(appended.exit_code, 0) << appended.err;
  EXPECT_NE(appended.out.find(R"("mode":"appended")"), std::string::npos) << appended.out;
  for (const char* table : {"associado_mes", "associado_mes_categoria"}) {
    EXPECT_NE(appended.out.find("\"" + std::string(table) +
                                R"(":{"mode":"months recomputed","months":["2024-03","2025-02"],)"),
              std::string::npos)
        << appended.out;
  }
  for (const char* table : {"features_cartao", "features_associado"}) {
    EXPECT_NE(appended.out.find("\"" + std::string(table) + R"(":{"mode":"rebuilt",)"), std::string::npos)
        << appended.out;
  }

  const SplitRunResult again = LakeEtl(lake);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (const char* table : {"associado_mes", "associado_mes_categoria", "features_cartao", "features_associado"}) {
    EXPECT_NE(again.out.find("\"" + std::string(table) + R"(":{"mode":"up to date",)"), std::string::npos) << again.out;
  }

  const fs::path scratch = root_ / "scratch";
  const SplitRunResult rebuilt = LakeEtl(scratch);
  ASSERT_EQ(rebuilt.exit_code, 0) << rebuilt.err;
  for (const auto& [table, order] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"associado_mes", {"id_associado", "mes"}},
           {"associado_mes_categoria", {"id_associado", "mes", "categoria"}},
           {"features_cartao", {"id_cartao"}},
           {"features_associado", {"id_associado"}}}) {
    SCOPED_TRACE(table);
    const std::string incremental = ReadIcebergTable(lake, "gold", table, {}, order);
    EXPECT_GT(std::count(incremental.begin(), incremental.end(), '\n'), 50);
    EXPECT_TRUE(incremental == ReadIcebergTable(scratch, "gold", table, {}, order));
  }
  // The new month is there: the appended purchase and its refund.
  auto months = Gold(lake, "associado_mes", {"id_associado", "mes"});
  const std::string owner = One("SELECT co.id_associado FROM cartao ca JOIN conta co ON co.id = ca.id_conta WHERE ca.id = " +
                                old_card);
  ASSERT_TRUE(months.count(owner + "|2025-02-01"));
  EXPECT_EQ(months[owner + "|2025-02-01"]["movimentos"], "2");
  EXPECT_EQ(months[owner + "|2025-02-01"]["gasto"], "80.00");
  EXPECT_EQ(months[owner + "|2025-02-01"]["valor_estornado"], "80.00");
}

}  // namespace
}  // namespace sicoop::testing
