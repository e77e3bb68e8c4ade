// The ETL end to end, as a user runs it: `sicoop etl` against real PostgreSQL and MariaDB servers
// and a real Spark Connect server, for both dialects.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "db/connection.h"
#include "db/db_url.h"
#include "db/schema.h"
#include "seed/seed.h"
#include "support/files.h"
#include "support/csv_reader.h"
#include "support/fresh_database.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

std::string DataFile(const std::string& name) {
  return ReadWholeFile(fs::path(SICOOP_TEST_DATA_DIR) / name);
}

class EtlTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    FreshDatabase fresh = MakeFreshDatabase(GetParam());
    ASSERT_TRUE(fresh.connection);
    url_ = fresh.url;
    source_ = std::move(fresh.connection);
    Status init = db::InitSchema(*source_);
    ASSERT_TRUE(init.ok()) << init.message();
    root_ = MakeTestFolder("sicoop-etl");
    output_ = root_ / "out";
  }
  void TearDown() override { fs::remove_all(root_); }

  void LoadEdgeCases() {
    if (GetParam() == "mysql") {
      ASSERT_TRUE(source_->Execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')").ok());
    }
    Status loaded = source_->Execute(DataFile("edge_cases.sql"));
    ASSERT_TRUE(loaded.ok()) << loaded.message();
  }

  RunResult Etl(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"etl", "--db", url_, "--output", output_.string(), "--spark", SparkUrl()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunSicoop(args, {{"TZ", "America/Sao_Paulo"}});
  }

  std::string url_;
  std::unique_ptr<db::Connection> source_;
  fs::path root_;
  fs::path output_;
};

TEST_P(EtlTest, EdgeCasesMatchTheExpectedFileByteForByte) {
  LoadEdgeCases();
  RunResult run = Etl();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(ReadWholeFile(output_ / "movimento_flat.csv"), DataFile("edge_cases.expected.csv"));
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(output_)) names.push_back(entry.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"movimento_flat.csv"});
}

TEST_P(EtlTest, SemicolonDelimiterAndFullCardNumbers) {
  LoadEdgeCases();
  RunResult run = Etl({"--delimiter", ";", "--card-number", "full"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(ReadWholeFile(output_ / "movimento_flat.csv"), DataFile("edge_cases.semicolon_full.expected.csv"));
}

TEST_P(EtlTest, EmptySourceGivesTheHeaderAlone) {
  RunResult run = Etl();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(ReadWholeFile(output_ / "movimento_flat.csv"),
            DataFile("edge_cases.expected.csv").substr(0, DataFile("edge_cases.expected.csv").find('\n') + 1));
}

std::string Masked(const std::string& number) {
  return number.size() <= 4 ? number : std::string(number.size() - 4, '*') + number.substr(number.size() - 4);
}

TEST_P(EtlTest, SeededDataMatchesTheSourceJoinCellByCell) {
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

INSTANTIATE_TEST_SUITE_P(Dialects, EtlTest, ::testing::Values("postgres", "mysql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sicoop::testing
