// `sicoop lake show` and `sicoop lake verify` on a lake that `sicoop etl --lake` wrote from a source
// of the test's own (harness PostgreSQL, fixture's Spark): show's counts and watermark against the
// database's; verify agreeing, then naming the day of a movimento deleted from the source with the
// figures of both sides, in text and in --json checked against its schema.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <iterator>
#include <map>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "common/calendar.h"
#include "db/connection.h"
#include "lake/card_token.h"
#include "support/files.h"
#include "support/run_sicoop.h"
#include "support/seeded_database.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

constexpr int64_t kMovimentos = 1500;
constexpr auto kRunLimit = std::chrono::seconds(300);

// Validates stdin's JSON against the schema (argv[1]) with the jsonschema package, then prints each
// further argument, a Python expression over the document `d`, as "expression=value" on a line.
constexpr const char* kValidate = R"(
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
d = json.loads(sys.stdin.read())
jsonschema.Draft202012Validator(schema).validate(d)
for expression in sys.argv[2:]:
    print("%s=%s" % (expression, eval(expression)))
)";

class LakeInspectTest : public ::testing::Test {
 protected:
  // A seeded source on `dialect`, a token key, and a lake that `etl --lake` wrote from them (or,
  // `ingest_only`, `lake ingest`: no curated table).
  void Start(const std::string& dialect, bool ingest_only = false) {
    FreshDatabase fresh = MakeSeededDatabase(dialect, kMovimentos, 17);
    ASSERT_TRUE(fresh.connection);
    url_ = fresh.url;
    source_ = std::move(fresh.connection);
    root_ = MakeTestFolder("sicoop-lake-inspect");
    lake_ = root_ / "lake";
    key_ = root_ / "token.key";
    Status key = lake::CardTokenKey::CreateFile(key_);
    ASSERT_TRUE(key.ok()) << key.message();
    std::vector<std::string> args = {"--db", url_, "--lake", lake_.string(), "--token-key-file", key_.string(),
                                     "--spark", SparkUrl()};
    const std::vector<std::string> command = ingest_only ? std::vector<std::string>{"lake", "ingest"}
                                                         : std::vector<std::string>{"etl", "-o", (root_ / "out").string()};
    args.insert(args.begin(), command.begin(), command.end());
    SplitRunResult etl = RunSicoopSplit(args, {}, kRunLimit);
    ASSERT_EQ(etl.exit_code, 0) << etl.err << etl.out;
  }
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  std::string Value(const std::string& sql) {
    auto rows = source_->Query(sql);
    EXPECT_TRUE(rows.ok() && rows->size() == 1 && rows->front().size() == 1 && rows->front()[0])
        << sql << ": " << (rows.ok() ? "not one value" : rows.status().message());
    return rows.ok() && rows->size() == 1 && !rows->front().empty() ? rows->front()[0].value_or("") : "";
  }

  SplitRunResult Lake(const std::string& command, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"lake", command, "--lake", lake_.string(), "--spark", SparkUrl()};
    if (command == "verify") args.insert(args.end(), {"--db", url_});
    args.insert(args.end(), extra.begin(), extra.end());
    return RunSicoopSplit(args, {}, kRunLimit);
  }

  // Validates `json` against docs/schemas/`schema` and gives the values of `expressions`.
  std::string Validated(const std::string& json, const std::string& schema, std::vector<std::string> expressions) {
    const fs::path file = root_ / "document.json";
    std::ofstream(file) << json;
    std::vector<std::string> argv = {"bash", "-c", "\"$3\" -c \"$0\" \"$1\" \"${@:4}\" < \"$2\"", kValidate,
                                     std::string(SICOOP_SCHEMA_DIR) + "/" + schema, file.string(), SICOOP_PYTHON};
    argv.insert(argv.end(), expressions.begin(), expressions.end());
    RunResult validated = RunCommand(argv);
    EXPECT_EQ(validated.exit_code, 0) << validated.output << "\n" << json;
    return validated.output;
  }

  std::string url_;
  std::unique_ptr<db::Connection> source_;
  fs::path root_, lake_, key_;
};

int64_t UtcSecondsNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The count and the exact sum of vlr_transacao of the movimentos of `day` in the source (either dialect).
std::string DayFiguresSql(const std::string& day) {
  return "SELECT CONCAT(COUNT(*), ' rows ', CAST(SUM(vlr_transacao) AS DECIMAL(38, 2))) FROM movimento WHERE "
         "CAST(data_movimento AS DATE) = DATE '" + day + "'";
}

// Every file of `folder` with its size and modification time.
std::map<std::string, std::string> FilesOf(const fs::path& folder) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder)) {
    files[fs::relative(entry.path(), folder).string()] =
        entry.is_regular_file() ? std::to_string(entry.file_size()) + " " +
                                      std::to_string(entry.last_write_time().time_since_epoch().count())
                                : "folder";
  }
  return files;
}

TEST_F(LakeInspectTest, ShowListsTheTablesWithTheDatabasesCountsAndTheWatermark) {
  const int64_t started = UtcSecondsNow();
  ASSERT_NO_FATAL_FAILURE(Start("postgres"));
  // A second ingest that finds nothing new still commits its watermark, adding no rows.
  SplitRunResult again = RunSicoopSplit({"lake", "ingest", "--db", url_, "--lake", lake_.string(), "--token-key-file",
                                         key_.string(), "--spark", SparkUrl()}, {}, kRunLimit);
  ASSERT_EQ(again.exit_code, 0) << again.err << again.out;
  const int64_t ended = UtcSecondsNow();
  // Not a lake: refused before any server is reached, and nothing created.
  const fs::path missing = root_ / "no-lake";
  SplitRunResult refused = RunSicoopSplit({"lake", "show", "--lake", missing.string(), "--spark", "sc://127.0.0.1:1"});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("there is no lake at " + missing.string() + ": give --lake the folder of"),
            std::string::npos)
      << refused.err;
  EXPECT_FALSE(fs::exists(missing));

  const std::map<std::string, std::string> lake_files = FilesOf(lake_);
  SplitRunResult shown = Lake("show");
  ASSERT_EQ(shown.exit_code, 0) << shown.err << shown.out;
  const std::string watermark = Value("SELECT MAX(id) FROM movimento");
  EXPECT_NE(shown.out.find("watermark " + watermark + "\n"), std::string::npos) << shown.out;
  for (const char* table : {"associado", "conta", "cartao", "movimento"}) {
    const std::regex line("\\n  raw\\." + std::string(table) + " +" + Value(std::string("SELECT COUNT(*) FROM ") + table) +
                          " rows  snapshot -?[0-9]+\\n");
    EXPECT_TRUE(std::regex_search(shown.out, line)) << table << ":\n" << shown.out;
  }
  const std::string joined =
      Value("SELECT COUNT(*) FROM movimento m JOIN cartao c ON m.id_cartao = c.id JOIN conta co ON c.id_conta = co.id "
            "JOIN associado a ON co.id_associado = a.id");
  EXPECT_TRUE(std::regex_search(shown.out, std::regex("\\n  curated\\.movimento_flat +" + joined + " rows  snapshot ")))
      << shown.out;
  const std::string commit = "\\n  ([0-9-]+ [0-9:]+)\\.[0-9]{3}  run [0-9a-f]{32}  watermark " + watermark + "  \\+";
  std::smatch first, second;
  ASSERT_TRUE(std::regex_search(shown.out, first, std::regex(commit + std::to_string(kMovimentos) + " rows\\n")))
      << shown.out;
  ASSERT_TRUE(std::regex_search(shown.out, second, std::regex(commit + "0 rows\\n"))) << shown.out;
  // In UTC, whatever the Spark session's time zone (the fixture's server runs in America/Sao_Paulo).
  for (const std::smatch* at : {&first, &second}) {
    const std::optional<int64_t> committed = ParseWallClock((*at)[1].str());
    ASSERT_TRUE(committed) << (*at)[1];
    EXPECT_GE(*committed, started) << (*at)[1] << " is before the runs";
    EXPECT_LE(*committed, ended) << (*at)[1] << " is after the runs";
  }
  EXPECT_NE(shown.out.find("last runs (2 of 2):\n"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("  etl --lake, succeeded\n"), std::string::npos) << shown.out;

  SplitRunResult json = Lake("show", {"--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err << json.out;
  const std::string fields =
      Validated(json.out, "lake-show.schema.json",
                {"d['watermark']", "[t['rows'] for t in d['tables']]", "d['raw_movimento_commits'][-1]['watermark']",
                 "[c['rows_added'] for c in d['raw_movimento_commits']]",
                 "d['runs'][-1]['manifest']['status']", "d['runs'][-1]['manifest']['run_id'] == "
                                                        "d['raw_movimento_commits'][-1]['run_id']"});
  EXPECT_NE(fields.find("d['watermark']=" + watermark + "\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("[t['rows'] for t in d['tables']]=[" + Value("SELECT COUNT(*) FROM associado") + ", " +
                        Value("SELECT COUNT(*) FROM conta") + ", " + Value("SELECT COUNT(*) FROM cartao") + ", " +
                        std::to_string(kMovimentos) + ", " + joined + "]\n"),
            std::string::npos)
      << fields;
  EXPECT_NE(fields.find("d['raw_movimento_commits'][-1]['watermark']=" + watermark + "\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("['status']=succeeded\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("['rows_added'] for c in d['raw_movimento_commits']]=[" + std::to_string(kMovimentos) + ", 0]\n"),
            std::string::npos)
      << fields;
  EXPECT_NE(fields.find("['run_id']=True\n"), std::string::npos) << fields;
  EXPECT_EQ(FilesOf(lake_), lake_files) << "show wrote into the lake";
}

TEST_F(LakeInspectTest, VerifyComparesRawAloneBeforeTheFirstBuild) {
  ASSERT_NO_FATAL_FAILURE(Start("postgres", /*ingest_only=*/true));
  SplitRunResult agreed = Lake("verify");
  ASSERT_EQ(agreed.exit_code, 0) << agreed.err << agreed.out;
  const std::string all = std::to_string(kMovimentos);
  EXPECT_NE(agreed.out.find(" days agree (watermark " + all + ": source " + all + " rows, raw " + all +
                            "; source joined "),
            std::string::npos)
      << agreed.out;
  EXPECT_NE(agreed.out.find(" rows, curated not built)\n"), std::string::npos) << agreed.out;

  SplitRunResult json = Lake("verify", {"--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err << json.out;
  const std::string fields = Validated(json.out, "lake-verify.schema.json",
                                       {"d['status']", "d['curated_snapshot_id']", "d['rows']['curated']",
                                        "d['rows']['raw']", "d['differing_days']"});
  EXPECT_EQ(fields, "d['status']=agrees\nd['curated_snapshot_id']=None\nd['rows']['curated']=None\nd['rows']['raw']=" +
                        all + "\nd['differing_days']=[]\n");

  SplitRunResult shown = Lake("show");
  ASSERT_EQ(shown.exit_code, 0) << shown.err << shown.out;
  EXPECT_NE(shown.out.find("\n  curated.movimento_flat   not created yet\n"), std::string::npos) << shown.out;
}

class LakeVerifyTest : public LakeInspectTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(LakeVerifyTest, AgreesAfterTheRunAndNamesTheDayOfAMovimentoDeletedFromTheSource) {
  ASSERT_NO_FATAL_FAILURE(Start(GetParam()));
  const std::map<std::string, std::string> lake_files = FilesOf(lake_);
  SplitRunResult agreed = Lake("verify");
  ASSERT_EQ(agreed.exit_code, 0) << agreed.err << agreed.out;
  const std::string days = Value("SELECT COUNT(DISTINCT CAST(data_movimento AS DATE)) FROM movimento");
  EXPECT_NE(agreed.out.find("all " + days + " days agree (watermark " + std::to_string(kMovimentos) + ": source " +
                            std::to_string(kMovimentos) + " rows, raw " + std::to_string(kMovimentos) + "; "),
            std::string::npos)
      << agreed.out;

  // A movimento of the middle of the period, gone from the source after the run.
  const std::string id = std::to_string(kMovimentos / 2);
  const std::string day = Value("SELECT CAST(data_movimento AS DATE) FROM movimento WHERE id = " + id);
  const std::string before = Value(DayFiguresSql(day));
  ASSERT_TRUE(source_->Execute("DELETE FROM movimento WHERE id = " + id).ok());
  const std::string after = Value(DayFiguresSql(day));
  ASSERT_NE(before, after);

  SplitRunResult differed = Lake("verify");
  EXPECT_EQ(differed.exit_code, 1) << differed.err << differed.out;
  EXPECT_NE(differed.out.find(day + ": source " + after + ", raw " + before + "; source joined "), std::string::npos)
      << differed.out;
  const std::regex day_line("(^|\n)[0-9]{4}-[0-9]{2}-[0-9]{2}: ");
  const auto day_lines = std::sregex_iterator(differed.out.begin(), differed.out.end(), day_line);
  EXPECT_EQ(std::distance(day_lines, std::sregex_iterator()), 1) << "one day only:\n" << differed.out;
  EXPECT_NE(differed.out.find("\n1 of " + days + " days differ (watermark "), std::string::npos) << differed.out;
  EXPECT_NE(differed.err.find("the lake differs from its source on 1 of " + days + " days"), std::string::npos)
      << differed.err;

  SplitRunResult json = Lake("verify", {"--json"});
  EXPECT_EQ(json.exit_code, 1) << json.err << json.out;
  const std::string fields = Validated(
      json.out, "lake-verify.schema.json",
      {"d['status']", "d['watermark']", "d['days']", "len(d['differing_days'])", "d['differing_days'][0]['day']",
       "'%d rows %s' % (d['differing_days'][0]['source']['rows'], d['differing_days'][0]['source']['amount'])",
       "'%d rows %s' % (d['differing_days'][0]['raw']['rows'], d['differing_days'][0]['raw']['amount'])",
       "d['differing_days'][0]['raw_differs']", "d['rows']['source'] + 1 == d['rows']['raw']"});
  EXPECT_NE(fields.find("d['status']=differs\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("d['watermark']=" + std::to_string(kMovimentos) + "\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("d['days']=" + days + "\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("len(d['differing_days'])=1\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("d['differing_days'][0]['day']=" + day + "\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("['source']['amount'])=" + after + "\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("['raw']['amount'])=" + before + "\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("['raw_differs']=True\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("d['rows']['raw']=True\n"), std::string::npos) << fields;
  EXPECT_EQ(FilesOf(lake_), lake_files) << "verify wrote into the lake";
}

INSTANTIATE_TEST_SUITE_P(Dialects, LakeVerifyTest, ::testing::Values("postgres", "mysql"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace sicoop::testing
