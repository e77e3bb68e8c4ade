// The seed's labelled anomalies (`--anomalies`) against real PostgreSQL and MariaDB servers: off by
// default, the ordinary rows untouched, one label per injected movimento with the shape of its
// scenario, the same rows whatever the threads, and --truncate / --append with the label table.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/calendar.h"
#include "common/numbers.h"
#include "db/schema.h"
#include "seed/seed.h"
#include "support/fresh_database.h"

namespace sicoop::testing {
namespace {

class AnomaliesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    db_ = MakeFreshDatabase(GetParam());
    ASSERT_TRUE(db_.connection);
    Status init = db::InitSchema(conn());
    ASSERT_TRUE(init.ok()) << init.message();
  }
  db::Connection& conn() { return *db_.connection; }

  seed::SeedSummary SeedOrFail(const seed::SeedOptions& options) {
    auto summary = seed::Seed(conn(), options);
    EXPECT_TRUE(summary.ok()) << summary.status().message();
    return summary.ok() ? *summary : seed::SeedSummary{};
  }

  std::vector<db::Row> Rows(const std::string& sql) {
    auto rows = conn().Query(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().message();
    return rows.ok() ? *rows : std::vector<db::Row>{};
  }

  int64_t Number(const std::string& sql) {
    auto rows = Rows(sql);
    if (rows.empty() || !rows[0][0]) return -1;
    return ParseInteger(*rows[0][0]).value_or(-1);
  }

  bool LabelTableExists() {
    auto exists = db::TableExists(conn(), "movimento_anomalia");
    EXPECT_TRUE(exists.ok()) << exists.status().message();
    return exists.ok() && *exists;
  }

  // An MD5 of the rows of `table` (columns `columns`, rows `where`, in `order` order), computed by the
  // database with the same expression on both dialects.
  std::string Checksum(const std::string& table, const std::string& columns, const std::string& order,
                       const std::string& where = "1 = 1") {
    bool pg = GetParam() == "postgres";
    std::string row = "concat_ws('|', " + columns + ")";
    if (!pg) {
      EXPECT_TRUE(conn().Execute("SET SESSION group_concat_max_len = 1073741824").ok());
    }
    std::string sql = pg ? "SELECT md5(string_agg(" + row + ", ';' ORDER BY " + order + ")) FROM " + table
                         : "SELECT MD5(GROUP_CONCAT(" + row + " ORDER BY " + order + " SEPARATOR ';')) FROM " + table;
    auto rows = Rows(sql + " WHERE " + where);
    return rows.empty() ? "" : rows[0][0].value_or("");
  }

  std::string SourceChecksums(const std::string& movimentos_where = "1 = 1") {
    return Checksum("associado", "id, nome, sobrenome, idade, email", "id") +
           Checksum("conta", "id, tipo, data_criacao, id_associado", "id") +
           Checksum("cartao", "id, num_cartao, nom_impresso, data_criacao, id_conta, id_associado", "id") +
           Checksum("movimento", "id, vlr_transacao, des_transacao, data_movimento, id_cartao", "id", movimentos_where);
  }

  FreshDatabase db_;
};

seed::SeedOptions Small(double anomalies) {
  seed::SeedOptions options;
  options.movimentos = 20000;
  options.associados = 150;
  options.seed = 11;
  options.anomalies = anomalies;
  return options;
}

// An injected movimento as the database holds it, with its label and its card's issue time.
struct Labelled {
  int64_t id;
  int64_t label_card, card;
  std::string tipo;
  int64_t cents;
  std::string description;
  int64_t when, card_created;
  bool online() const { return description.find(" - ") == std::string::npos; }
  std::string city() const { return online() ? "" : description.substr(description.rfind(" - ") + 3); }
};

TEST_P(AnomaliesTest, OffByDefaultNoTableAndTheSameRows) {
  SeedOrFail(Small(0));
  EXPECT_FALSE(LabelTableExists());
  std::string off = SourceChecksums();

  // With anomalies the ordinary rows are those of a run without them; the injected ones come after.
  seed::SeedOptions with = Small(0.1);
  with.truncate = true;
  seed::SeedSummary summary = SeedOrFail(with);
  EXPECT_GT(summary.anomalias, 0);
  EXPECT_EQ(summary.movimentos, 20000 + summary.anomalias);
  EXPECT_EQ(SourceChecksums("id <= 20000"), off);
  EXPECT_EQ(Number("SELECT COUNT(*) FROM movimento WHERE id > 20000"), summary.anomalias);

  // The four-table schema check and db init still pass beside the label table.
  Status schema = db::CheckSchema(conn());
  EXPECT_TRUE(schema.ok()) << schema.message();
  Status init = db::InitSchema(conn());
  EXPECT_TRUE(init.ok()) << init.message();
}

TEST_P(AnomaliesTest, EachLabelIsAnInjectedMovimentoOfItsScenariosShape) {
  seed::SeedSummary summary = SeedOrFail(Small(0.2));
  ASSERT_TRUE(LabelTableExists());
  EXPECT_EQ(Number("SELECT COUNT(*) FROM movimento_anomalia"), summary.anomalias);
  // Every label's movimento exists (the inner join keeps them all) and is one of the injected ones.
  auto rows = Rows(
      "SELECT a.id_movimento, a.id_cartao, a.tipo, m.vlr_transacao, m.des_transacao, m.data_movimento, "
      "m.id_cartao, c.data_criacao FROM movimento_anomalia a JOIN movimento m ON m.id = a.id_movimento "
      "JOIN cartao c ON c.id = m.id_cartao ORDER BY a.id_movimento");
  ASSERT_EQ(static_cast<int64_t>(rows.size()), summary.anomalias);
  EXPECT_EQ(Number("SELECT MIN(id_movimento) FROM movimento_anomalia"), 20001);
  EXPECT_EQ(Number("SELECT MAX(id_movimento) FROM movimento_anomalia"), 20000 + summary.anomalias);

  std::map<int64_t, std::vector<Labelled>> by_card;
  for (const db::Row& row : rows) {
    const std::string& amount = row[3].value();
    Labelled l{ParseInteger(*row[0]).value(), ParseInteger(*row[1]).value(), ParseInteger(*row[6]).value(), *row[2],
               ParseInteger(amount.substr(0, amount.find('.'))).value() * 100 +
                   ParseInteger(amount.substr(amount.find('.') + 1)).value(),
               *row[4], ParseWallClock(*row[5]).value(), ParseWallClock(*row[7]).value()};
    EXPECT_EQ(l.label_card, l.card) << l.id;
    EXPECT_GE(l.when, l.card_created) << l.id;
    EXPECT_GE(l.when, ParseWallClock("2024-01-01").value()) << l.id;
    EXPECT_LT(l.when, ParseWallClock("2025-01-01").value()) << l.id;
    EXPECT_EQ(l.description.find("Estorno"), std::string::npos) << l.id;
    by_card[l.card].push_back(l);
  }
  // About the share of the cards, one scenario each (all of a card's labels share one tipo).
  int64_t cards = Number("SELECT COUNT(*) FROM cartao");
  EXPECT_GT(static_cast<double>(by_card.size()), 0.12 * static_cast<double>(cards));
  EXPECT_LT(static_cast<double>(by_card.size()), 0.28 * static_cast<double>(cards));
  std::map<std::string, int> scenarios;
  for (const auto& [card, movimentos] : by_card) {
    const std::string& tipo = movimentos.front().tipo;
    ++scenarios[tipo];
    int64_t first = movimentos.front().when, last = movimentos.back().when;
    auto count = static_cast<int64_t>(movimentos.size());
    for (const Labelled& l : movimentos) EXPECT_EQ(l.tipo, tipo) << "card " << card;
    if (tipo == "card_testing") {
      EXPECT_GE(count, 5) << "card " << card;
      EXPECT_LE(count, 12) << "card " << card;
      EXPECT_LT(last - first, 600) << "card " << card;
      for (const Labelled& l : movimentos) {
        EXPECT_TRUE(l.cents >= 100 && l.cents <= 999) << l.id << ": " << l.cents;
        EXPECT_TRUE(l.online()) << l.id << ": " << l.description;
        EXPECT_EQ(l.description, movimentos.front().description) << l.id;
      }
    } else if (tipo == "cidades_distantes") {
      EXPECT_GE(count, 2) << "card " << card;
      EXPECT_LE(count, 3) << "card " << card;
      for (size_t i = 1; i < movimentos.size(); ++i) {
        int64_t gap = movimentos[i].when - movimentos[i - 1].when;
        EXPECT_TRUE(gap >= 120 && gap <= 1200) << movimentos[i].id << ": " << gap << " s";
        EXPECT_FALSE(movimentos[i].online()) << movimentos[i].id;
        EXPECT_NE(movimentos[i].city(), movimentos[i - 1].city()) << movimentos[i].id;
      }
    } else if (tipo == "hora_valor_incomum") {
      EXPECT_GE(count, 1) << "card " << card;
      EXPECT_LE(count, 2) << "card " << card;
      for (const Labelled& l : movimentos) {
        int64_t hour = (l.when % kSecondsPerDay) / 3600;
        EXPECT_TRUE(hour >= 1 && hour < 4) << l.id << ": " << hour << "h";
        EXPECT_TRUE(l.cents >= 200000 && l.cents <= 900000) << l.id << ": " << l.cents;
        EXPECT_FALSE(l.online()) << l.id << ": " << l.description;
      }
    } else {
      ADD_FAILURE() << "unknown tipo '" << tipo << "'";
    }
  }
  EXPECT_EQ(scenarios.size(), 3U);
}

TEST_P(AnomaliesTest, SameRowsWhateverTheThreadsTruncateEmptiesAppendAdds) {
  seed::SeedOptions options = Small(0.1);
  options.threads = 1;
  options.batch = 20000;
  seed::SeedSummary first = SeedOrFail(options);
  std::string movimentos = SourceChecksums();
  std::string labels = Checksum("movimento_anomalia", "id_movimento, id_cartao, tipo", "id_movimento");

  // --truncate empties the labels too (on PostgreSQL their foreign key would refuse it otherwise).
  options.truncate = true;
  options.threads = 4;
  options.batch = 777;
  SeedOrFail(options);
  EXPECT_EQ(SourceChecksums(), movimentos);
  EXPECT_EQ(Checksum("movimento_anomalia", "id_movimento, id_cartao, tipo", "id_movimento"), labels);

  // Without --anomalies, --truncate still empties the label table and leaves it in place.
  seed::SeedOptions plain = Small(0);
  plain.truncate = true;
  SeedOrFail(plain);
  EXPECT_TRUE(LabelTableExists());
  EXPECT_EQ(Number("SELECT COUNT(*) FROM movimento_anomalia"), 0);

  // --append adds labels after the existing ones.
  SeedOrFail(options);
  seed::SeedOptions more = Small(0.1);
  more.append = true;
  more.seed = 12;
  more.movimentos = 2000;
  more.associados = 20;
  seed::SeedSummary added = SeedOrFail(more);
  EXPECT_GT(added.anomalias, 0);
  EXPECT_EQ(Number("SELECT COUNT(*) FROM movimento_anomalia"), first.anomalias + added.anomalias);
  EXPECT_EQ(Number("SELECT MIN(id_movimento) FROM movimento_anomalia WHERE id_movimento > " +
                   std::to_string(first.movimentos)),
            first.movimentos + 2000 + 1);
}

TEST_P(AnomaliesTest, ShareOutOfRangeIsAUsageError) {
  for (double share : {-0.1, 0.51}) {
    auto result = seed::Seed(conn(), Small(share));
    ASSERT_FALSE(result.ok());
    EXPECT_TRUE(result.status().is_usage()) << result.status().message();
    EXPECT_NE(result.status().message().find("--anomalies"), std::string::npos) << result.status().message();
  }
  EXPECT_FALSE(LabelTableExists());
}

INSTANTIATE_TEST_SUITE_P(Dialects, AnomaliesTest, ::testing::Values("postgres", "mysql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sicoop::testing
