// The seed's labelled anomalies on their way to the data-science team, as a user runs it: `sicoop db
// seed --anomalies` on the harness database, `sicoop etl --lake` through the fixture's Spark server,
// the labels read back from the lake with pyiceberg (no Spark) against the source's, and the example
// examples/fraud_baseline run on that lake: its baseline must find the anomalies (ROC AUC >= 0.9).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "db/schema.h"
#include "support/files.h"
#include "support/fresh_database.h"
#include "support/read_iceberg.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;

constexpr auto kRunLimit = std::chrono::seconds(300);

// The raw JSON value after the keys `keys`, each looked for after the previous one; "" when missing.
std::string ManifestValue(const std::string& json, const std::vector<std::string>& keys) {
  size_t at = 0;
  for (const std::string& key : keys) {
    const std::string needle = "\"" + key + "\":";
    at = json.find(needle, at);
    if (at == std::string::npos) return "";
    at += needle.size();
  }
  const size_t end = json.find_first_of(",}]", at);
  return end == std::string::npos ? "" : json.substr(at, end - at);
}

class AnomalyLabelsTest : public ::testing::Test {
 protected:
  // A source with the schema and `db seed` run with `seed_args`, an empty test folder, a token key.
  void Start(const std::string& dialect, const std::vector<std::string>& seed_args) {
    FreshDatabase fresh = MakeFreshDatabase(dialect);
    ASSERT_TRUE(fresh.connection);
    Status init = db::InitSchema(*fresh.connection);
    ASSERT_TRUE(init.ok()) << init.message();
    url_ = fresh.url;
    source_ = std::move(fresh.connection);
    std::vector<std::string> args = {"db", "seed", "--db", url_};
    args.insert(args.end(), seed_args.begin(), seed_args.end());
    SplitRunResult seeded = RunSicoopSplit(args, {}, kRunLimit);
    ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
    root_ = MakeTestFolder("sicoop-labels");
    lake_ = root_ / "lake";
    key_ = root_ / "token.key";
    ASSERT_TRUE(WriteTokenKeyFile(key_));
  }

  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  SplitRunResult LakeEtl() {
    return RunSicoopSplit({"etl", "--db", url_, "--output", (root_ / "out").string(), "--lake", lake_.string(),
                           "--token-key-file", key_.string(), "--spark", SparkUrl(), "--json"},
                          {}, kRunLimit);
  }

  // The source's answer to `sql` as CSV lines (a header `header`, then one line per row).
  std::string SourceCsv(const std::string& header, const std::string& sql) {
    auto rows = source_->Query(sql);
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    std::string csv = header + "\n";
    if (!rows.ok()) return csv;
    for (const db::Row& row : *rows) {
      for (size_t i = 0; i < row.size(); ++i) csv += (i == 0 ? "" : ",") + row[i].value_or("");
      csv += "\n";
    }
    return csv;
  }

  std::string url_;
  std::unique_ptr<db::Connection> source_;
  fs::path root_, lake_, key_;
};

TEST_F(AnomalyLabelsTest, LabelsReachTheLakeAndTheBaselineFindsTheAnomalies) {
  // The default 150 members (about 280 cards): some 25 of them anomalous, as a user's first seed gives.
  Start("postgres", {"--movimentos", "30000", "--anomalies", "0.1", "--seed", "3"});
  SplitRunResult run = LakeEtl();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string labels =
      SourceCsv("id_movimento,id_cartao,tipo", "SELECT id_movimento, id_cartao, tipo FROM movimento_anomalia ORDER BY id_movimento");
  const auto count = static_cast<int64_t>(std::count(labels.begin(), labels.end(), '\n')) - 1;
  ASSERT_GT(count, 30);
  EXPECT_EQ(ReadIcebergTable(lake_, "rotulos", "movimento_anomalia", {"id_movimento", "id_cartao", "tipo"},
                             {"id_movimento"}),
            labels);
  EXPECT_EQ(ManifestValue(run.out, {"ingest", "tables", "movimento_anomalia", "rows_in_lake"}), std::to_string(count))
      << run.out;
  // The injected movimentos are ordinary rows of the file; the labels are nowhere in it.
  const std::string csv = ReadWholeFile(root_ / "out" / "movimento_flat.csv");
  EXPECT_EQ(static_cast<int64_t>(std::count(csv.begin(), csv.end(), '\n')) - 1, 30000 + count);
  EXPECT_EQ(csv.find("card_testing"), std::string::npos);

  // The example, as its README runs it: its own venv (made once, in the cache folder), then train.py.
  RunResult baseline = RunCommand({"timeout", "900", "bash", std::string(SICOOP_SOURCE_DIR) + "/examples/fraud_baseline/run.sh",
                                   lake_.string(), "--min-auc", "0.9"});
  EXPECT_EQ(baseline.exit_code, 0) << baseline.output;
  const size_t auc = baseline.output.find("ROC AUC: ");
  ASSERT_NE(auc, std::string::npos) << baseline.output;
  EXPECT_GE(std::stod(baseline.output.substr(auc + 9, 5)), 0.9) << baseline.output;
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "nome_associado,sobrenome_associado,idade_associado,vlr_transacao_movimento,des_transacao_movimento,"
            "data_movimento,numero_cartao,nome_impresso_cartao,data_criacao_cartao,tipo_conta,data_criacao_conta");
}

TEST_F(AnomalyLabelsTest, ASourceWithoutLabelsGivesNoLabelTable) {
  Start("mysql", {"--movimentos", "2000"});
  SplitRunResult run = LakeEtl();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_FALSE(fs::exists(lake_ / "rotulos" / "movimento_anomalia")) << "a label table from a source without one";
  EXPECT_EQ(run.out.find("movimento_anomalia"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace sicoop::testing
