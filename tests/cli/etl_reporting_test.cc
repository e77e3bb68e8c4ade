// How `sicoop etl` reports for machines and logs: --json prints one object that docs/schemas/
// etl-summary.schema.json accepts, with the source's and the file's real counts; --quiet and
// --verbose change what stderr gets; --log-file appends timestamped lines, errors included, and never
// the password. And `db init` on a schema that is already there prints no NOTICE lines.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/csv_reader.h"
#include "support/files.h"
#include "support/fresh_database.h"
#include "support/seeded_database.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

constexpr int64_t kMovimentos = 3000;

// Validates stdin's JSON against the schema (argv[1]) with the jsonschema package, then prints the
// values the test compares, one "name=value" a line.
constexpr const char* kValidate = R"(
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
summary = json.loads(sys.stdin.read())
jsonschema.Draft202012Validator(schema).validate(summary)
s = summary["seconds"]
print("rows_written=%d" % summary["rows_written"])
print("movimento=%d" % summary["rows_read"]["movimento"])
print("associado=%d" % summary["rows_read"]["associado"])
print("file=" + summary["file"])
print("source=" + summary["source"])
print("sum_matches=%d" % (abs(s["start"] + s["plan"] + s["spark"] + s["publish"] - s["total"]) < 0.01))
print("start_positive=%d" % (s["start"] > 0))
print("sicoop_version=" + summary["versions"]["sicoop"])
print("spark_version=" + summary["versions"]["spark"])
)";

class EtlReportingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FreshDatabase fresh = MakeSeededDatabase("postgres", kMovimentos, 13);
    ASSERT_TRUE(fresh.connection);
    url_ = fresh.url;
    source_ = std::move(fresh.connection);
    root_ = MakeTestFolder("sicoop-etl-reporting");
    output_ = root_ / "out";
    std::smatch password;
    ASSERT_TRUE(std::regex_search(url_, password, std::regex("://[^:/@]+:([^@]+)@"))) << "no password in " << url_;
    password_ = password[1].str();
  }
  void TearDown() override { fs::remove_all(root_); }

  std::vector<std::string> EtlArgs(std::initializer_list<std::string> more) const {
    std::vector<std::string> args = {"etl", "--db", url_, "--output", output_.string(), "--spark", SparkUrl()};
    args.insert(args.end(), more);
    return args;
  }

  std::string CountOf(const std::string& table) {
    auto rows = source_->Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    return rows.ok() ? (*rows)[0][0].value_or("") : "";
  }

  std::string url_;
  std::string password_;
  std::unique_ptr<db::Connection> source_;
  fs::path root_, output_;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST_F(EtlReportingTest, JsonSummaryMatchesItsSchemaAndTheRun) {
  SplitRunResult run = RunSicoopSplit(EtlArgs({"--json"}));
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  ASSERT_EQ(Lines(run.out).size(), 1u) << "one JSON object on one line, nothing else:\n" << run.out;

  const fs::path json = root_ / "summary.json";
  {
    std::ofstream(json) << run.out;
  }
  RunResult validated = RunCommand(
      {"sh", "-c", "\"$3\" -c \"$0\" \"$1\" < \"$2\"", kValidate, SICOOP_SCHEMA_DIR "/etl-summary.schema.json",
       json.string(), SICOOP_PYTHON});
  ASSERT_EQ(validated.exit_code, 0) << validated.output << "\n" << run.out;
  const std::string& fields = validated.output;
  EXPECT_NE(fields.find("rows_written=" + CountOf("movimento") + "\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("movimento=" + std::to_string(kMovimentos) + "\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("associado=" + CountOf("associado") + "\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("file=" + (output_ / "movimento_flat.csv").string() + "\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("sum_matches=1\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("start_positive=1\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("spark_version=4."), std::string::npos) << fields;
  EXPECT_EQ(fields.find("sicoop_version=\n"), std::string::npos) << fields;
  EXPECT_NE(fields.find("source=postgresql://"), std::string::npos) << fields;
  EXPECT_NE(fields.find(":***@"), std::string::npos) << fields;
  EXPECT_EQ(run.out.find(password_), std::string::npos) << "the password is in the summary";

  std::vector<CsvRow> records;
  std::string error;
  ASSERT_TRUE(ParseCsv(ReadWholeFile(output_ / "movimento_flat.csv"), ',', records, error)) << error;
  EXPECT_NE(fields.find("rows_written=" + std::to_string(records.size() - 1) + "\n"), std::string::npos) << fields;
}

TEST_F(EtlReportingTest, TheTextSummaryCountsSparkStartUpInTheTotal) {
  SplitRunResult run = RunSicoopSplit(EtlArgs({}));
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  std::smatch seconds;
  ASSERT_TRUE(std::regex_search(run.out, seconds,
                                std::regex(R"( in (\d+\.\d) s \(start-up (\d+\.\d) s, source and plan (\d+\.\d) s, )"
                                           R"(Spark (\d+\.\d) s, publish (\d+\.\d) s\)\n$)")))
      << run.out;
  double parts = 0;
  for (int i = 2; i <= 5; ++i) parts += std::stod(seconds[i].str());
  // Each figure is rounded to a tenth on its own.
  EXPECT_NEAR(std::stod(seconds[1].str()), parts, 0.25) << run.out;
}

TEST_F(EtlReportingTest, QuietShowsNeitherPhasesNorProgressOnATerminal) {
  SplitRunResult run = RunSicoopOnTerminal(EtlArgs({"--quiet"}));
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  // Warnings stay (the fixture's URL holds its password); phases and progress go.
  EXPECT_EQ(run.err.find("Spark: "), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("extract "), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("transform and write"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("sicoop: warning: the password in the --db URL"), 0u) << run.err;
  EXPECT_NE(run.out.find("rows written to "), std::string::npos) << run.out;
}

TEST_F(EtlReportingTest, VerboseShowsPhasesAndTheEndpointOffATerminal) {
  SplitRunResult run = RunSicoopSplit(EtlArgs({"--verbose"}));
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_NE(run.err.find("sicoop: Spark Connect endpoint " + SparkUrl() + "\n"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("sicoop: extract movimento: " + std::to_string(kMovimentos) + " rows"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("sicoop: transform and write"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find('\r'), std::string::npos) << "no progress line off a terminal:\n" << run.err;
  EXPECT_EQ(run.err.find(password_), std::string::npos) << run.err;
}

TEST_F(EtlReportingTest, LogFileGetsTimestampedLinesOfEachRunAndItsErrorButNoPassword) {
  const fs::path log = root_ / "etl.log";
  SplitRunResult ok = RunSicoopSplit(EtlArgs({"--log-file", log.string()}));
  ASSERT_EQ(ok.exit_code, 0) << ok.err << ok.out;
  // A wrong password: the run fails at once, and says so in the log as well.
  const std::string wrong = std::regex_replace(url_, std::regex("://([^:/@]+):[^@]+@"), "://$1:Wr0ngSecret@");
  SplitRunResult failed = RunSicoopSplit(
      {"etl", "--db", wrong, "--output", output_.string(), "--spark", SparkUrl(), "--log-file", log.string()});
  ASSERT_EQ(failed.exit_code, 1) << failed.err << failed.out;

  const std::vector<std::string> lines = Lines(ReadWholeFile(log));
  const std::regex stamped(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z .+)");
  int summaries = 0, errors = 0, phases = 0;
  for (const std::string& line : lines) {
    EXPECT_TRUE(std::regex_match(line, stamped)) << line;
    EXPECT_EQ(line.find(password_), std::string::npos) << line;
    EXPECT_EQ(line.find("Wr0ngSecret"), std::string::npos) << line;
    if (line.find(" rows written to " + (output_ / "movimento_flat.csv").string()) != std::string::npos) ++summaries;
    if (line.find("Z error: ") != std::string::npos) ++errors;
    if (line.find("Z transform and write") != std::string::npos) ++phases;
  }
  EXPECT_EQ(summaries, 1) << ReadWholeFile(log);
  EXPECT_EQ(errors, 1) << ReadWholeFile(log);
  EXPECT_EQ(phases, 1) << ReadWholeFile(log);
}

TEST_F(EtlReportingTest, DbInitOnAReadySchemaPrintsNoNotice) {
  // The fixture made the schema: this run finds every table and index there.
  RunResult again = RunSicoop({"db", "init", "--db", url_});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.output.find("NOTICE"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("schema ready in "), std::string::npos) << again.output;
}

}  // namespace
}  // namespace sicoop::testing
