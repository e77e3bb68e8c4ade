// The ETL end to end, as a user runs it: `sicoop etl` against real PostgreSQL and MariaDB servers
// and a real Spark Connect server.
//
// Hand-written cases are data: each folder of tests/data/etl/ is one case, run once per dialect as
// the test EtlCase.<folder>/<dialect>. The folder holds
//   source.sql    rows valid in PostgreSQL and in MariaDB (whose session runs with
//                 NO_BACKSLASH_ESCAPES, so a backslash is an ordinary character in both); empty for
//                 an empty source
//   args          the extra `sicoop etl` options, one per line (may be empty)
//   expected.csv  the exact bytes of movimento_flat.csv, written by hand from docs/output-contract.md
//   dialects      optional: the dialects the case runs on, one per line (default: postgres, mysql)
// A new case is a new folder.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "db/connection.h"
#include "db/schema.h"
#include "seed/seed.h"
#include "support/csv_reader.h"
#include "support/files.h"
#include "support/fresh_database.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

constexpr std::string_view kDialects[] = {"postgres", "mysql"};

// The non-empty lines of `text`.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// A fresh source database with the schema, and `sicoop etl` run against it into a folder of the test.
class EtlFixture : public ::testing::Test {
 protected:
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  void PrepareSource(const std::string& dialect) {
    FreshDatabase fresh = MakeFreshDatabase(dialect);
    ASSERT_TRUE(fresh.connection);
    url_ = fresh.url;
    source_ = std::move(fresh.connection);
    Status init = db::InitSchema(*source_);
    ASSERT_TRUE(init.ok()) << init.message();
    root_ = MakeTestFolder("sicoop-etl");
    output_ = root_ / "out";
  }

  RunResult Etl(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"etl", "--db", url_, "--output", output_.string(), "--spark", SparkUrl()};
    args.insert(args.end(), extra.begin(), extra.end());
    // A machine clock in daylight-saving Brazil, like the Spark server's: output must not depend on it.
    return RunSicoop(args, {{"TZ", "America/Sao_Paulo"}});
  }

  std::string url_;
  std::unique_ptr<db::Connection> source_;
  fs::path root_;
  fs::path output_;
};

class EtlCaseTest : public EtlFixture {
 public:
  EtlCaseTest(fs::path folder, std::string dialect) : folder_(std::move(folder)), dialect_(std::move(dialect)) {}

  void TestBody() override {
    ASSERT_TRUE(std::find(std::begin(kDialects), std::end(kDialects), dialect_) != std::end(kDialects))
        << folder_ / "dialects" << " names '" << dialect_ << "'; the dialects are postgres and mysql";
    for (const char* file : {"source.sql", "args", "expected.csv"}) {
      ASSERT_TRUE(fs::is_regular_file(folder_ / file)) << "the case folder " << folder_ << " has no " << file;
    }
    ASSERT_NO_FATAL_FAILURE(PrepareSource(dialect_));
    std::string source = ReadWholeFile(folder_ / "source.sql");
    if (!Lines(source).empty()) {
      if (dialect_ == "mysql") {
        Status mode = source_->Execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
        ASSERT_TRUE(mode.ok()) << mode.message();
      }
      Status loaded = source_->Execute(source);
      ASSERT_TRUE(loaded.ok()) << folder_ / "source.sql" << ": " << loaded.message();
    }

    RunResult run = Etl(Lines(ReadWholeFile(folder_ / "args")));
    ASSERT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(ReadWholeFile(output_ / "movimento_flat.csv"), ReadWholeFile(folder_ / "expected.csv"));
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(output_)) names.push_back(entry.path().filename());
    EXPECT_EQ(names, std::vector<std::string>{"movimento_flat.csv"});
  }

 private:
  fs::path folder_;
  std::string dialect_;
};

std::vector<fs::path> CaseFolders() {
  std::vector<fs::path> folders;
  std::error_code error;  // an unreadable folder lists no case, which TheCasesFolderHoldsTheHandWrittenCases reports
  for (const auto& entry : fs::directory_iterator(SICOOP_ETL_CASES_DIR, error)) {
    if (entry.is_directory()) folders.push_back(entry.path());
  }
  std::sort(folders.begin(), folders.end());
  return folders;
}

std::vector<std::string> CaseDialects(const fs::path& folder) {
  if (!fs::exists(folder / "dialects")) return {std::begin(kDialects), std::end(kDialects)};
  std::vector<std::string> dialects = Lines(ReadWholeFile(folder / "dialects"));
  // A case that runs nowhere is a mistake: the test of the dialect "" says so.
  if (dialects.empty()) dialects.push_back("");
  return dialects;
}

// Registered before main() runs, as TEST() registers its tests, so that `--gtest_list_tests` (and
// through it CTest) sees one test per case and dialect.
bool RegisterEtlCases() {
  for (const fs::path& folder : CaseFolders()) {
    for (const std::string& dialect : CaseDialects(folder)) {
      // The part before '/' names the test's database (MakeFreshDatabase): one per case and dialect.
      std::string name = folder.filename().string() + "/" + dialect;
      ::testing::RegisterTest("EtlCase", name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                              [folder, dialect]() -> EtlCaseTest* { return new EtlCaseTest(folder, dialect); });
    }
  }
  return true;
}
const bool kEtlCasesRegistered = RegisterEtlCases();

// Without it a missing or misplaced cases folder would run no case and pass.
TEST(EtlCases, TheCasesFolderHoldsTheHandWrittenCases) {
  std::vector<std::string> names;
  for (const fs::path& folder : CaseFolders()) names.push_back(folder.filename().string());
  for (const char* required : {"edge_cases", "edge_cases_semicolon_full_card", "empty_source", "order_ties",
                               "fractional_seconds"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), required), names.end())
        << required << " is missing from " << SICOOP_ETL_CASES_DIR;
  }
}

// The oracle for the default card-number rendering, written independently of the product's SQL.
std::string Masked(const std::string& number) {
  return number.size() <= 4 ? number : std::string(number.size() - 4, '*') + number.substr(number.size() - 4);
}

class SeededEtlTest : public EtlFixture, public ::testing::WithParamInterface<std::string_view> {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(PrepareSource(std::string(GetParam()))); }
};

TEST_P(SeededEtlTest, SeededDataMatchesTheSourceJoinCellByCell) {
  seed::SeedOptions seed;
  seed.movimentos = 3000;
  seed.seed = 7;
  auto seeded = seed::Seed(*source_, seed);
  ASSERT_TRUE(seeded.ok()) << seeded.status().message();
  // Several JDBC partitions per table, so the parts are assembled in order.
  RunResult run = Etl({"--partitions", "3"});
  ASSERT_EQ(run.exit_code, 0) << run.output;

  std::vector<CsvRow> rows;
  std::string error;
  ASSERT_TRUE(ParseCsv(ReadWholeFile(output_ / "movimento_flat.csv"), ',', rows, error)) << error;
  auto expected = source_->Query(
      "SELECT a.nome, a.sobrenome, a.idade, m.vlr_transacao, m.des_transacao, m.data_movimento, "
      "c.num_cartao, c.nom_impresso, c.data_criacao, co.tipo, co.data_criacao "
      "FROM movimento m JOIN cartao c ON m.id_cartao = c.id JOIN conta co ON c.id_conta = co.id "
      "JOIN associado a ON co.id_associado = a.id ORDER BY m.data_movimento, m.id");
  ASSERT_TRUE(expected.ok()) << expected.status().message();
  ASSERT_EQ(rows.size(), expected->size() + 1);
  ASSERT_EQ(expected->size(), 3000u);
  for (size_t r = 0; r < expected->size(); ++r) {
    const auto& want = (*expected)[r];
    const auto& got = rows[r + 1];
    ASSERT_EQ(got.size(), 11u) << "row " << r + 1;
    for (size_t c = 0; c < 11; ++c) {
      std::string value = want[c].value_or("");
      if (c == 6) value = Masked(value);
      ASSERT_EQ(got[c], value) << "row " << r + 1 << ", column " << rows[0][c];
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Dialects, SeededEtlTest, ::testing::ValuesIn(kDialects),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
}  // namespace sicoop::testing
