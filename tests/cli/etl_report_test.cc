// What `sicoop etl` tells the person who runs it: on a terminal, a live progress line on stderr
// with Spark's tasks done and running and the CSV rows written so far; off a terminal, none of it; and
// in both cases a summary on stdout whose counts are those of the source tables and of the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "common/numbers.h"
#include "support/csv_reader.h"
#include "support/files.h"
#include "support/fresh_database.h"
#include "support/seeded_database.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

// Enough rows, in enough partitions, for a Spark phase of several of etl's half-second progress reports.
constexpr int64_t kMovimentos = 200000;

class EtlReportTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    FreshDatabase fresh = MakeSeededDatabase(GetParam(), kMovimentos, 11);
    ASSERT_TRUE(fresh.connection);
    url_ = fresh.url;
    source_ = std::move(fresh.connection);
    root_ = MakeTestFolder("sicoop-etl-report");
    output_ = root_ / "out";
  }
  void TearDown() override { fs::remove_all(root_); }

  std::vector<std::string> EtlArgs() const {
    return {"etl", "--db", url_, "--output", output_.string(), "--spark", SparkUrl(), "--partitions", "8"};
  }

  // COUNT(*) of `table`, as the database gives it.
  std::string CountOf(const std::string& table) {
    auto rows = source_->Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    return rows.ok() ? (*rows)[0][0].value_or("") : "";
  }

  // Checks the summary on stdout against the source tables' counts and the file's records.
  void ExpectSummaryOfTheSourceAndTheFile(const std::string& out) {
    std::smatch read;
    ASSERT_TRUE(std::regex_search(
        out, read, std::regex(R"((?:^|\n)rows read: associado (\d+), cartao (\d+), conta (\d+), movimento (\d+)\n)")))
        << out;
    EXPECT_EQ(read[1].str(), CountOf("associado"));
    EXPECT_EQ(read[2].str(), CountOf("cartao"));
    EXPECT_EQ(read[3].str(), CountOf("conta"));
    EXPECT_EQ(read[4].str(), CountOf("movimento"));
    EXPECT_EQ(read[4].str(), std::to_string(kMovimentos));

    const fs::path file = output_ / "movimento_flat.csv";
    std::smatch written;
    ASSERT_TRUE(std::regex_search(out, written,
                                  std::regex(R"(\n(\d+) rows written to (.+) in \d+\.\d s \(start-up \d+\.\d s, source and plan \d+\.\d s, )"
                                             R"(Spark \d+\.\d s, publish \d+\.\d s\)\n$)")))
        << out;
    EXPECT_EQ(written[2].str(), file.string());
    std::vector<CsvRow> records;
    std::string error;
    ASSERT_TRUE(ParseCsv(ReadWholeFile(file), ',', records, error)) << error;
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(written[1].str(), std::to_string(records.size() - 1)) << "the header is not a row";
    EXPECT_EQ(written[1].str(), CountOf("movimento"));
  }

  std::string url_;
  std::unique_ptr<db::Connection> source_;
  fs::path root_, output_;
};

TEST_P(EtlReportTest, OnATerminalShowsLiveProgressThenTheSummary) {
  SplitRunResult run = RunSicoopOnTerminal(EtlArgs());
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  // Each report redraws the line in place: carriage return, erase the line, the new text.
  const std::regex progress_line(
      R"(\r\x1b\[KSpark: (?:starting|(\d+)/(\d+) tasks done(?:, \d+ running)?(?:, \d+\.\d MB read)?), (\d+) rows written)");
  int lines = 0;
  for (std::sregex_iterator it(run.err.begin(), run.err.end(), progress_line), end; it != end; ++it, ++lines) {
    const std::smatch& line = *it;
    // The pattern admits digits only, so each parses.
    if (line[1].matched) {
      EXPECT_LE(*ParseInteger(line[1].str()), *ParseInteger(line[2].str())) << "tasks done/total: " << line.str();
    }
    EXPECT_LE(*ParseInteger(line[3].str()), kMovimentos) << line.str();
  }
  EXPECT_GE(lines, 1) << "no progress line on the terminal:\n" << run.err;
  EXPECT_EQ(run.out.find("Spark: "), std::string::npos) << "progress belongs on stderr:\n" << run.out;
  ExpectSummaryOfTheSourceAndTheFile(run.out);
}

TEST_P(EtlReportTest, OffATerminalShowsNoProgressAndTheSameSummary) {
  SplitRunResult run = RunSicoopSplit(EtlArgs());
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  EXPECT_EQ(run.err.find('\r'), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("Spark: "), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find('\r'), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("Spark: "), std::string::npos) << run.out;
  ExpectSummaryOfTheSourceAndTheFile(run.out);
}

INSTANTIATE_TEST_SUITE_P(Dialects, EtlReportTest, ::testing::Values("postgres", "mysql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sicoop::testing
