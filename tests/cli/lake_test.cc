// The lake end to end, as a user runs it (issue 10): `sicoop etl --lake` against the harness
// PostgreSQL and MariaDB and the fixture's Spark server, into a lake folder of the test's own. What
// sicoop wrote is read back with pyiceberg (support/read_iceberg.h, no Spark), with a Spark session
// of the test's own for time travel, and compared with the source and with a direct run's file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "lake/catalog.h"
#include "spark/session.h"
#include "support/csv_reader.h"
#include "support/files.h"
#include "support/read_iceberg.h"
#include "support/run_sicoop.h"
#include "support/seeded_database.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {

namespace fs = std::filesystem;

constexpr auto kRunLimit = std::chrono::seconds(300);

// The file's columns (docs/output-contract.md), in order.
const std::vector<std::string> kCsvColumns = {
    "nome_associado",          "sobrenome_associado", "idade_associado",      "vlr_transacao_movimento",
    "des_transacao_movimento", "data_movimento",      "numero_cartao",        "nome_impresso_cartao",
    "data_criacao_cartao",     "tipo_conta",          "data_criacao_conta"};

// The raw JSON value reached by looking for each of `keys` ("key":) after the previous one: a
// number or null as written, a string without its quotes; "" when a key is missing. Enough for the
// manifest, whose keys are unique along such a path.
std::string ManifestValue(const std::string& json, const std::vector<std::string>& keys) {
  size_t at = 0;
  for (const std::string& key : keys) {
    const std::string needle = "\"" + key + "\":";
    at = json.find(needle, at);
    if (at == std::string::npos) return "";
    at += needle.size();
  }
  if (at < json.size() && json[at] == '"') {
    const size_t end = json.find('"', at + 1);
    return end == std::string::npos ? "" : json.substr(at + 1, end - at - 1);
  }
  const size_t end = json.find_first_of(",}]", at);
  return end == std::string::npos ? "" : json.substr(at, end - at);
}

// All but the last four characters as '*', as the file and the lake mask a card number.
std::string Masked(const std::string& number) {
  const size_t hidden = number.size() > 4 ? number.size() - 4 : 0;
  return std::string(hidden, '*') + number.substr(hidden);
}

std::vector<CsvRow> ParsedCsv(const std::string& text) {
  std::vector<CsvRow> rows;
  std::string error;
  EXPECT_TRUE(ParseCsv(text, ',', rows, error)) << error << "\n" << text.substr(0, 2000);
  return rows;
}

// The index of `column` in `header`, or fails the test.
size_t IndexOf(const CsvRow& header, const std::string& column) {
  auto found = std::find(header.begin(), header.end(), column);
  EXPECT_NE(found, header.end()) << "no column " << column;
  return static_cast<size_t>(found - header.begin());
}

// Every file under `folder` with its size: a table that gains a snapshot gains metadata files.
std::map<std::string, uintmax_t> FilesUnder(const fs::path& folder) {
  std::map<std::string, uintmax_t> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    if (entry.is_regular_file()) files[fs::relative(entry.path(), folder).string()] = entry.file_size();
  }
  return files;
}

class LakeTest : public ::testing::Test {
 protected:
  // A seeded source on `dialect`, an empty test folder, and a token key in it.
  void Start(const std::string& dialect, int64_t movimentos) {
    FreshDatabase fresh = MakeSeededDatabase(dialect, movimentos, 5);
    ASSERT_TRUE(fresh.connection);
    url_ = fresh.url;
    source_ = std::move(fresh.connection);
    root_ = MakeTestFolder("sicoop-lake");
    lake_ = root_ / "lake";
    key_ = root_ / "token.key";
    ASSERT_TRUE(WriteTokenKeyFile(key_));
  }

  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  // `sicoop etl --lake` into `output`, with --json: its stdout is the run's manifest.
  SplitRunResult LakeEtl(const fs::path& output, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"etl", "--db", url_, "--output", output.string(), "--lake", lake_.string(),
                                     "--token-key-file", key_.string(), "--spark", SparkUrl(), "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunSicoopSplit(args, {}, kRunLimit);
  }

  SplitRunResult DirectEtl(const fs::path& output) {
    return RunSicoopSplit({"etl", "--db", url_, "--output", output.string(), "--spark", SparkUrl()}, {}, kRunLimit);
  }

  void Execute(const std::string& sql) {
    Status done = source_->Execute(sql);
    ASSERT_TRUE(done.ok()) << sql << ": " << done.message();
  }

  // The first column of the first row of `sql`'s result; "" on failure (the test has failed).
  std::string One(const std::string& sql) {
    auto rows = source_->Query(sql);
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().message();
    if (!rows.ok() || rows->empty() || (*rows)[0].empty()) return "";
    return (*rows)[0][0].value_or("");
  }

  // A Spark session of the test's own with the lake's catalog defined, as sicoop defines it.
  std::unique_ptr<spark::SparkSession> LakeSession() {
    auto endpoint = spark::ParseConnectionString(SparkUrl());
    EXPECT_TRUE(endpoint.ok()) << endpoint.status().message();
    if (!endpoint.ok()) return nullptr;
    spark::SessionOptions options;
    options.conf = lake::CatalogConf(lake_.string());
    auto session = spark::SparkSession::Connect(*endpoint, options);
    EXPECT_TRUE(session.ok()) << session.status().message();
    return session.ok() ? std::move(*session) : nullptr;
  }

  // The only value `sql` gives on `spark`; "" when it fails (the test has failed) or gives NULL.
  static std::string SparkValue(spark::SparkSession& spark, const std::string& sql) {
    auto rows = spark.Sql(sql).Collect();
    EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().message();
    if (!rows.ok()) return "";
    EXPECT_EQ(rows->rows.size(), 1u) << sql;
    if (rows->rows.size() != 1 || rows->rows[0].empty()) return "";
    return rows->rows[0][0].value_or("");
  }

  std::string url_;
  std::unique_ptr<db::Connection> source_;
  fs::path root_;
  fs::path lake_;
  fs::path key_;
};

class LakeOnEachDatabaseTest : public LakeTest, public ::testing::WithParamInterface<std::string> {};

// A full load, then two incremental loads after rows were appended to every source table (ids
// continuing, transactions over the whole year, so new rows sort among the old ones), give the file
// a direct run gives on the same final source, byte for byte. Each run's manifest says where the
// watermark moved and how many movimentos it added, as the database counts them.
TEST_P(LakeOnEachDatabaseTest, IncrementalLoadsGiveTheFileOfADirectRun) {
  ASSERT_NO_FATAL_FAILURE(Start(GetParam(), 2000));
  const fs::path lake_output = root_ / "through-the-lake";
  const fs::path direct_output = root_ / "direct";

  const SplitRunResult first = LakeEtl(lake_output);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(ManifestValue(first.out, {"status"}), "succeeded") << first.out;
  EXPECT_EQ(ManifestValue(first.out, {"ingest", "watermark_before"}), "null") << first.out;
  EXPECT_EQ(ManifestValue(first.out, {"ingest", "watermark_after"}), One("SELECT MAX(id) FROM movimento"));
  EXPECT_EQ(ManifestValue(first.out, {"ingest", "tables", "movimento", "rows_added"}), One("SELECT COUNT(*) FROM movimento"))
      << first.out;

  for (const char* seed : {"2", "3"}) {
    SCOPED_TRACE(std::string("append with seed ") + seed);
    const std::string watermark = One("SELECT MAX(id) FROM movimento");
    const int64_t count_before = std::stoll(One("SELECT COUNT(*) FROM movimento"));
    const RunResult appended =
        RunSicoop({"db", "seed", "--db", url_, "--movimentos", "300", "--append", "--seed", seed});
    ASSERT_EQ(appended.exit_code, 0) << appended.output;
    const std::string highest = One("SELECT MAX(id) FROM movimento");
    const std::string count = One("SELECT COUNT(*) FROM movimento");
    ASSERT_EQ(std::stoll(count), count_before + 300);

    const SplitRunResult next = LakeEtl(lake_output);
    ASSERT_EQ(next.exit_code, 0) << next.err;
    EXPECT_EQ(ManifestValue(next.out, {"ingest", "watermark_before"}), watermark) << next.out;
    EXPECT_EQ(ManifestValue(next.out, {"ingest", "watermark_after"}), highest) << next.out;
    EXPECT_EQ(ManifestValue(next.out, {"ingest", "tables", "movimento", "rows_added"}), "300") << next.out;
    EXPECT_EQ(ManifestValue(next.out, {"ingest", "tables", "movimento", "rows_in_lake"}), count) << next.out;
    EXPECT_EQ(ManifestValue(next.out, {"export", "rows"}), count) << next.out;
  }

  const SplitRunResult direct = DirectEtl(direct_output);
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  const std::string through_lake = ReadWholeFile(lake_output / "movimento_flat.csv");
  const std::string direct_file = ReadWholeFile(direct_output / "movimento_flat.csv");
  EXPECT_EQ(std::count(direct_file.begin(), direct_file.end(), '\n'), 2600 + 1);
  const RunResult compared = RunCommand(
      {"cmp", (lake_output / "movimento_flat.csv").string(), (direct_output / "movimento_flat.csv").string()});
  EXPECT_EQ(compared.exit_code, 0) << compared.output;
  EXPECT_TRUE(through_lake == direct_file);
}

INSTANTIATE_TEST_SUITE_P(Dialects, LakeOnEachDatabaseTest, ::testing::Values("postgres", "mysql"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// What the build does depends on what moved: new movimentos alone (the dimensions untouched) are
// added to curated, nothing moved leaves it alone, a changed dimension rebuilds it. Whichever it
// did, the file equals a direct run's and each manifest is what docs/schemas/lake-run.schema.json
// describes, with the database's counts.
TEST_F(LakeTest, TheBuildAddsNewMovimentosAloneAndRebuildsWhenADimensionChanges) {
  ASSERT_NO_FATAL_FAILURE(Start("postgres", 1500));
  const fs::path lake_output = root_ / "through-the-lake";
  const fs::path direct_output = root_ / "direct";
  // The manifest validated against its schema; prints build.mode and build.rows.
  auto validated = [this](const std::string& manifest) {
    const fs::path file = root_ / "manifest.json";
    std::ofstream(file) << manifest;
    const RunResult checked = RunCommand(
        {SICOOP_PYTHON, "-c",
         "import json, sys, jsonschema\n"
         "m = json.load(open(sys.argv[2]))\n"
         "jsonschema.validate(m, json.load(open(sys.argv[1])))\n"
         "print(m['build']['mode'], m['build']['rows'], m['build']['raw_amount'])",
         SICOOP_SCHEMA_DIR "/lake-run.schema.json", file.string()});
    EXPECT_EQ(checked.exit_code, 0) << checked.output << "\n" << manifest;
    return checked.output;
  };
  const auto expected = [this](const std::string& mode) {
    return mode + " " + One("SELECT COUNT(*) FROM movimento") + " " +
           One("SELECT CAST(SUM(vlr_transacao) AS DECIMAL(38, 2)) FROM movimento") + "\n";
  };
  const auto same_as_direct = [&]() {
    const SplitRunResult direct = DirectEtl(direct_output);
    ASSERT_EQ(direct.exit_code, 0) << direct.err;
    const RunResult compared = RunCommand(
        {"cmp", (lake_output / "movimento_flat.csv").string(), (direct_output / "movimento_flat.csv").string()});
    EXPECT_EQ(compared.exit_code, 0) << compared.output;
  };

  const SplitRunResult first = LakeEtl(lake_output);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(validated(first.out), expected("rebuilt"));

  // Movimentos on existing cards, ids above the others, some dated before the newest rows.
  Execute("INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) "
          "SELECT (SELECT MAX(id) FROM movimento) + c.id, -7.25, 'estorno ' || c.id, TIMESTAMP '2024-03-01 12:00:00', "
          "c.id FROM cartao c WHERE c.id <= 40");
  const SplitRunResult added = LakeEtl(lake_output);
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(validated(added.out), expected("appended"));
  EXPECT_EQ(ManifestValue(added.out, {"ingest", "tables", "associado", "rows_updated"}), "0") << added.out;
  ASSERT_NO_FATAL_FAILURE(same_as_direct());

  const SplitRunResult again =
      RunSicoopSplit({"lake", "build", "--lake", lake_.string(), "--spark", SparkUrl(), "--json"}, {}, kRunLimit);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(validated(again.out), expected("up to date"));
  EXPECT_EQ(ManifestValue(again.out, {"ingest"}), "null") << again.out;

  Execute("UPDATE conta SET tipo = CASE tipo WHEN 'CC' THEN 'CP' ELSE 'CC' END WHERE id = 2");
  const SplitRunResult changed = LakeEtl(lake_output);
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_EQ(validated(changed.out), expected("rebuilt"));
  EXPECT_EQ(ManifestValue(changed.out, {"ingest", "tables", "conta", "rows_updated"}), "1") << changed.out;
  ASSERT_NO_FATAL_FAILURE(same_as_direct());
}

// An update of a member's name and of an account's type, and a card deleted from the source, are in
// the raw and curated tables after the next run, and the earlier state is still there by time
// travel to the snapshots the first run's manifest names.
TEST_F(LakeTest, DimensionChangesReachCuratedAndTheEarlierStateStaysReadable) {
  ASSERT_NO_FATAL_FAILURE(Start("postgres", 1500));
  // A card without movimentos (a movimento references its card), for the source to delete.
  const std::string spare = One("SELECT MAX(id) + 1 FROM cartao");
  const std::string spare_conta = One("SELECT MIN(id) FROM conta");
  const std::string spare_associado = One("SELECT id_associado FROM conta WHERE id = " + spare_conta);
  ASSERT_NO_FATAL_FAILURE(Execute("INSERT INTO cartao (id, num_cartao, nom_impresso, data_criacao, id_conta, "
                                  "id_associado) VALUES (" + spare + ", '5067000011112222', 'CARTAO RESERVA', "
                                  "'2024-01-02 03:04:05', " + spare_conta + ", " + spare_associado + ")"));
  // The member and the account of the first movimento.
  const std::string associado =
      One("SELECT co.id_associado FROM movimento m JOIN cartao c ON m.id_cartao = c.id JOIN conta co ON c.id_conta = "
          "co.id ORDER BY m.id LIMIT 1");
  const std::string conta = One("SELECT c.id_conta FROM movimento m JOIN cartao c ON m.id_cartao = c.id ORDER BY m.id LIMIT 1");
  const std::string old_nome = One("SELECT nome FROM associado WHERE id = " + associado);
  const std::string old_tipo = One("SELECT tipo FROM conta WHERE id = " + conta);
  const std::string new_tipo = old_tipo == "CC" ? "CP" : "CC";
  ASSERT_FALSE(old_nome.empty());

  const fs::path output = root_ / "output";
  const SplitRunResult first = LakeEtl(output);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string associado_v1 = ManifestValue(first.out, {"ingest", "tables", "associado", "snapshot_id"});
  const std::string conta_v1 = ManifestValue(first.out, {"ingest", "tables", "conta", "snapshot_id"});
  const std::string cartao_v1 = ManifestValue(first.out, {"ingest", "tables", "cartao", "snapshot_id"});
  ASSERT_FALSE(associado_v1.empty() || associado_v1 == "null") << first.out;

  ASSERT_NO_FATAL_FAILURE(Execute("UPDATE associado SET nome = 'Nome Alterado' WHERE id = " + associado));
  ASSERT_NO_FATAL_FAILURE(Execute("UPDATE conta SET tipo = '" + new_tipo + "' WHERE id = " + conta));
  ASSERT_NO_FATAL_FAILURE(Execute("DELETE FROM cartao WHERE id = " + spare));
  const SplitRunResult second = LakeEtl(output);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(ManifestValue(second.out, {"ingest", "tables", "associado", "snapshot_id"}), associado_v1);
  EXPECT_EQ(ManifestValue(second.out, {"ingest", "tables", "cartao", "rows_in_lake"}), One("SELECT COUNT(*) FROM cartao"));

  // Curated, read without Spark: every row of the member and of the account shows the new values.
  const std::vector<CsvRow> curated = ParsedCsv(ReadIcebergTable(
      lake_, "curated", "movimento_flat", {"id_associado", "nome_associado", "id_conta", "tipo_conta"}));
  ASSERT_FALSE(curated.empty());
  int64_t member_rows = 0, account_rows = 0;
  for (size_t i = 1; i < curated.size(); ++i) {
    if (curated[i][0] == associado) {
      ++member_rows;
      EXPECT_EQ(curated[i][1], "Nome Alterado");
    }
    if (curated[i][2] == conta) {
      ++account_rows;
      EXPECT_EQ(curated[i][3], new_tipo);
    }
  }
  EXPECT_EQ(std::to_string(member_rows),
            One("SELECT COUNT(*) FROM movimento m JOIN cartao c ON m.id_cartao = c.id JOIN conta co ON c.id_conta = "
                "co.id WHERE co.id_associado = " + associado));
  EXPECT_EQ(std::to_string(account_rows),
            One("SELECT COUNT(*) FROM movimento m JOIN cartao c ON m.id_cartao = c.id WHERE c.id_conta = " + conta));
  const std::string raw_cartao = ReadIcebergTable(lake_, "raw", "cartao", {"id"});
  EXPECT_EQ(raw_cartao.find("\n" + spare + "\n"), std::string::npos) << "the deleted card is still in raw.cartao";

  // Time travel with a Spark session of the test's own.
  std::unique_ptr<spark::SparkSession> spark = LakeSession();
  ASSERT_TRUE(spark);
  EXPECT_EQ(SparkValue(*spark, "SELECT nome FROM sicoop_lake.raw.associado VERSION AS OF " + associado_v1 +
                                   " WHERE id = " + associado),
            old_nome);
  EXPECT_EQ(SparkValue(*spark, "SELECT nome FROM sicoop_lake.raw.associado WHERE id = " + associado), "Nome Alterado");
  EXPECT_EQ(SparkValue(*spark, "SELECT tipo FROM sicoop_lake.raw.conta VERSION AS OF " + conta_v1 + " WHERE id = " + conta),
            old_tipo);
  EXPECT_EQ(SparkValue(*spark, "SELECT count(*) FROM sicoop_lake.raw.cartao VERSION AS OF " + cartao_v1 +
                                   " WHERE id = " + spare),
            "1");
  EXPECT_EQ(SparkValue(*spark, "SELECT count(*) FROM sicoop_lake.raw.cartao WHERE id = " + spare), "0");
  EXPECT_TRUE(spark->Close().ok());
}

// A column added to the source (with values) is added to its raw table and the file keeps its
// format; a raw column dropped from the source stops the next run, naming it, before any commit.
TEST_F(LakeTest, ANewSourceColumnIsAddedAndADroppedOneStopsTheRunBeforeAnyCommit) {
  ASSERT_NO_FATAL_FAILURE(Start("postgres", 1500));
  const fs::path output = root_ / "output";
  const SplitRunResult first = LakeEtl(output);
  ASSERT_EQ(first.exit_code, 0) << first.err;

  const std::string highest = One("SELECT MAX(id) FROM movimento");
  ASSERT_NO_FATAL_FAILURE(Execute("ALTER TABLE movimento ADD COLUMN canal VARCHAR(10)"));
  ASSERT_NO_FATAL_FAILURE(Execute(
      "INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao, canal) SELECT id + " +
      highest + ", vlr_transacao, des_transacao, data_movimento, id_cartao, CASE WHEN id % 2 = 0 THEN 'APP' ELSE "
      "'POS' END FROM movimento WHERE id IN (SELECT id FROM movimento ORDER BY id LIMIT 100)"));
  const SplitRunResult second = LakeEtl(output);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("\"columns_added\":[\"movimento.canal\"]"), std::string::npos) << second.out;
  EXPECT_EQ(ManifestValue(second.out, {"ingest", "tables", "movimento", "rows_added"}), "100") << second.out;

  const std::vector<CsvRow> raw = ParsedCsv(ReadIcebergTable(lake_, "raw", "movimento", {"id", "canal"}, {"id"}));
  ASSERT_EQ(raw.size(), 1u + 1600u);
  EXPECT_EQ(raw[0], (CsvRow{"id", "canal"}));
  for (size_t i = 1; i < raw.size(); ++i) {
    const int64_t id = std::stoll(raw[i][0]);
    const std::string expected = id <= std::stoll(highest) ? "" : ((id - std::stoll(highest)) % 2 == 0 ? "APP" : "POS");
    ASSERT_EQ(raw[i][1], expected) << "movimento " << id;
  }
  const SplitRunResult direct = DirectEtl(root_ / "direct");
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  EXPECT_TRUE(ReadWholeFile(output / "movimento_flat.csv") == ReadWholeFile(root_ / "direct" / "movimento_flat.csv"))
      << "the file through the lake differs from the direct run's";

  ASSERT_NO_FATAL_FAILURE(Execute("ALTER TABLE associado ADD COLUMN apelido VARCHAR(30)"));
  ASSERT_NO_FATAL_FAILURE(Execute("UPDATE associado SET apelido = 'apelido ' || id"));
  const SplitRunResult third = LakeEtl(output);
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_NE(third.out.find("\"columns_added\":[\"associado.apelido\"]"), std::string::npos) << third.out;

  ASSERT_NO_FATAL_FAILURE(Execute("ALTER TABLE associado DROP COLUMN apelido"));
  ASSERT_NO_FATAL_FAILURE(Execute(
      "INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) SELECT id + 1000000, "
      "vlr_transacao, des_transacao, data_movimento, id_cartao FROM movimento WHERE id IN (SELECT id FROM movimento "
      "ORDER BY id LIMIT 10)"));
  const auto raw_files = FilesUnder(lake_ / "raw");
  const auto curated_files = FilesUnder(lake_ / "curated");
  const std::string file_before = ReadWholeFile(output / "movimento_flat.csv");
  const SplitRunResult fourth = LakeEtl(output);
  EXPECT_EQ(fourth.exit_code, 1) << fourth.err;
  EXPECT_NE(fourth.err.find("associado.apelido is in the lake but no longer in the source"), std::string::npos)
      << fourth.err;
  EXPECT_NE(fourth.err.find("Nothing was committed"), std::string::npos) << fourth.err;
  EXPECT_EQ(FilesUnder(lake_ / "raw"), raw_files) << "a raw table changed";
  EXPECT_EQ(FilesUnder(lake_ / "curated"), curated_files) << "the curated table changed";
  EXPECT_TRUE(ReadWholeFile(output / "movimento_flat.csv") == file_before);
}

// No card number in clear anywhere in the lake: raw.cartao and curated hold the masked number and a
// keyed token (64 lowercase hex digits, the same for the same number, different for different
// ones); no file of the lake holds a number's digits. The lake refuses full numbers and a run
// without the key.
TEST_F(LakeTest, NoCardNumberInClearInTheLake) {
  ASSERT_NO_FATAL_FAILURE(Start("postgres", 1500));
  // A reissued card: a second card with the number of the first.
  const std::string reissued = One("SELECT MAX(id) + 1 FROM cartao");
  ASSERT_NO_FATAL_FAILURE(Execute("INSERT INTO cartao (id, num_cartao, nom_impresso, data_criacao, id_conta, id_associado) "
                                  "SELECT " + reissued + ", num_cartao, nom_impresso, data_criacao, id_conta, id_associado "
                                  "FROM cartao WHERE id = (SELECT MIN(id) FROM cartao)"));
  const fs::path output = root_ / "output";
  const SplitRunResult run = LakeEtl(output);
  ASSERT_EQ(run.exit_code, 0) << run.err;

  auto cards = source_->Query("SELECT id, num_cartao FROM cartao ORDER BY id");
  ASSERT_TRUE(cards.ok()) << cards.status().message();
  std::map<std::string, std::string> number_of;  // card id -> number
  std::set<std::string> numbers;
  for (const auto& row : *cards) {
    number_of[row[0].value_or("")] = row[1].value_or("");
    numbers.insert(row[1].value_or(""));
  }
  ASSERT_GT(numbers.size(), 100u);
  ASSERT_EQ(numbers.size() + 1, number_of.size()) << "one number on two cards";

  const std::vector<CsvRow> raw = ParsedCsv(ReadIcebergTable(lake_, "raw", "cartao", {}, {"id"}));
  ASSERT_EQ(raw.size(), number_of.size() + 1);
  EXPECT_EQ(std::find(raw[0].begin(), raw[0].end(), "num_cartao"), raw[0].end()) << "raw.cartao has num_cartao";
  const size_t id = IndexOf(raw[0], "id"), masked = IndexOf(raw[0], "num_cartao_mascarado"),
               token = IndexOf(raw[0], "num_cartao_token");
  const std::regex hex64("[0-9a-f]{64}");
  std::map<std::string, std::string> token_of_number, token_of_card;
  std::set<std::string> tokens;
  for (size_t i = 1; i < raw.size(); ++i) {
    const CsvRow& row = raw[i];
    for (const std::string& value : row) ASSERT_EQ(numbers.count(value), 0u) << "a card number in clear in raw.cartao";
    const std::string& number = number_of[row[id]];
    EXPECT_EQ(row[masked], Masked(number)) << "card " << row[id];
    EXPECT_TRUE(std::regex_match(row[token], hex64)) << row[token];
    const auto known = token_of_number.emplace(number, row[token]).first;
    EXPECT_EQ(known->second, row[token]) << "two tokens for one number";
    token_of_card[row[id]] = row[token];
    tokens.insert(row[token]);
  }
  EXPECT_EQ(tokens.size(), numbers.size()) << "cards of different numbers share a token";

  const std::vector<CsvRow> curated = ParsedCsv(ReadIcebergTable(lake_, "curated", "movimento_flat"));
  ASSERT_EQ(curated.size(), 1u + 1500u);
  const size_t card = IndexOf(curated[0], "id_cartao"), shown = IndexOf(curated[0], "numero_cartao"),
               card_token = IndexOf(curated[0], "token_cartao");
  for (size_t i = 1; i < curated.size(); ++i) {
    const CsvRow& row = curated[i];
    for (const std::string& value : row) ASSERT_EQ(numbers.count(value), 0u) << "a card number in clear in curated";
    EXPECT_EQ(row[shown], Masked(number_of[row[card]]));
    EXPECT_EQ(row[card_token], token_of_card[row[card]]);
  }

  // Second line of defence (compression could hide a number): no file of the lake, nor the file
  // exported from it, holds a number's digits.
  std::vector<fs::path> files = {output / "movimento_flat.csv"};
  for (const auto& entry : fs::recursive_directory_iterator(lake_)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  ASSERT_GT(files.size(), 10u);
  for (const fs::path& file : files) {
    const std::string bytes = ReadWholeFile(file);
    for (const std::string& number : numbers) {
      ASSERT_EQ(bytes.find(number), std::string::npos) << file << " holds the card number of card in clear";
    }
  }

  const SplitRunResult full = LakeEtl(root_ / "full", {"--card-number", "full"});
  EXPECT_EQ(full.exit_code, 2) << full.err;
  EXPECT_NE(full.err.find("--card-number full is for the direct path only"), std::string::npos) << full.err;
  EXPECT_NE(full.err.find("PCI"), std::string::npos) << full.err;
  const SplitRunResult no_key = RunSicoopSplit({"etl", "--db", url_, "--output", (root_ / "no-key").string(), "--lake",
                                                lake_.string(), "--spark", SparkUrl()},
                                               {}, kRunLimit);
  EXPECT_EQ(no_key.exit_code, 2) << no_key.err;
  EXPECT_NE(no_key.err.find("--token-key-file"), std::string::npos) << no_key.err;
  EXPECT_FALSE(fs::exists(root_ / "full") || fs::exists(root_ / "no-key"));
}

// curated.movimento_flat read with pyiceberg (no Spark) holds the file's rows: rendered as the file
// renders them (amounts with two decimals, timestamps to the second, the masked card number) and in
// the file's order once sorted by data_movimento and movimento id.
TEST_F(LakeTest, CuratedReadWithoutSparkHoldsTheRowsOfTheFile) {
  ASSERT_NO_FATAL_FAILURE(Start("postgres", 2000));
  const fs::path output = root_ / "output";
  const SplitRunResult run = LakeEtl(output);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<CsvRow> file = ParsedCsv(ReadWholeFile(output / "movimento_flat.csv"));
  ASSERT_EQ(file.size(), 1u + 2000u);
  EXPECT_EQ(file[0], kCsvColumns);

  std::vector<std::string> columns = kCsvColumns;
  columns.push_back("id_movimento");
  std::vector<CsvRow> curated = ParsedCsv(ReadIcebergTable(lake_, "curated", "movimento_flat", columns));
  ASSERT_EQ(curated.size(), file.size());
  EXPECT_EQ(curated[0], columns);
  const size_t amount = IndexOf(columns, "vlr_transacao_movimento");
  const std::regex two_decimals("-?[0-9]+\\.[0-9]{2}");
  std::vector<std::pair<std::pair<std::string, int64_t>, CsvRow>> rows;
  for (size_t i = 1; i < curated.size(); ++i) {
    CsvRow row = curated[i];
    EXPECT_TRUE(std::regex_match(row[amount], two_decimals)) << row[amount];
    for (const char* timestamp : {"data_movimento", "data_criacao_cartao", "data_criacao_conta"}) {
      std::string& value = row[IndexOf(columns, timestamp)];
      value = value.substr(0, 19);
    }
    const int64_t id = std::stoll(row.back());
    row.pop_back();
    rows.push_back({{row[IndexOf(columns, "data_movimento")], id}, row});
  }
  std::sort(rows.begin(), rows.end());
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].second, file[i + 1]) << "row " << i + 1 << " of the file, movimento " << rows[i].first.second;
  }
}

}  // namespace
}  // namespace sicoop::testing
