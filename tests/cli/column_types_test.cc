// `sicoop etl` checks each source column's type family before anything is written: a wrong type
// is refused naming table.column, the type found and the type expected; a compatible variant
// (other lengths and widths, TEXT for VARCHAR, more decimal digits) gives the same file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "db/connection.h"
#include "db/schema.h"
#include "support/files.h"
#include "support/fresh_database.h"
#include "support/run_sicoop.h"
#include "support/test_servers.h"

namespace sicoop::testing {
namespace {
namespace fs = std::filesystem;

constexpr char kRows[] =
    "INSERT INTO associado (id, nome, sobrenome, idade, email) VALUES (1, '=Ana', 'Lima', 30, NULL);"
    "INSERT INTO conta (id, tipo, data_criacao, id_associado) VALUES (10, 'CC', '2020-01-01 09:00:00', 1);"
    "INSERT INTO cartao (id, num_cartao, nom_impresso, data_criacao, id_conta, id_associado) VALUES "
    "(100, '4000000000000002', 'ANA LIMA', '2020-01-02 10:00:00', 10, 1);"
    "INSERT INTO movimento (id, vlr_transacao, des_transacao, data_movimento, id_cartao) VALUES "
    "(5001, -12345678.90, 'Mercado', '2024-05-01 10:00:00', 100)";

constexpr char kExpected[] =
    "nome_associado,sobrenome_associado,idade_associado,vlr_transacao_movimento,des_transacao_movimento,"
    "data_movimento,numero_cartao,nome_impresso_cartao,data_criacao_cartao,tipo_conta,data_criacao_conta\n"
    "=Ana,Lima,30,-12345678.90,Mercado,2024-05-01 10:00:00,************0002,ANA LIMA,2020-01-02 10:00:00,CC,"
    "2020-01-01 09:00:00\n";

class ColumnTypesTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    FreshDatabase fresh = MakeFreshDatabase(GetParam());
    ASSERT_TRUE(fresh.connection);
    url_ = fresh.url;
    source_ = std::move(fresh.connection);
    Status init = db::InitSchema(*source_);
    ASSERT_TRUE(init.ok()) << init.message();
    Status rows = source_->Execute(kRows);
    ASSERT_TRUE(rows.ok()) << rows.message();
    root_ = MakeTestFolder("sicoop-column-types");
  }
  void TearDown() override {
    if (!root_.empty()) fs::remove_all(root_);
  }

  void Alter(const std::string& postgres, const std::string& mysql) {
    Status altered = source_->Execute(GetParam() == "postgres" ? postgres : mysql);
    ASSERT_TRUE(altered.ok()) << altered.message();
  }

  RunResult Etl(const fs::path& output) {
    return RunSicoop({"etl", "--db", url_, "--output", output.string(), "--spark", SparkUrl()});
  }

  std::string url_;
  std::unique_ptr<db::Connection> source_;
  fs::path root_;
};

TEST_P(ColumnTypesTest, WrongTypesAreRefusedBeforeAnythingIsWritten) {
  const bool pg = GetParam() == "postgres";
  ASSERT_NO_FATAL_FAILURE(Alter("ALTER TABLE movimento ALTER COLUMN des_transacao TYPE bytea USING "
                                "convert_to(des_transacao, 'UTF8'), ALTER COLUMN vlr_transacao TYPE text",
                                "ALTER TABLE movimento MODIFY des_transacao VARBINARY(255) NOT NULL, "
                                "MODIFY vlr_transacao TEXT NOT NULL"));
  const std::string found_binary = pg ? "bytea" : "varbinary(255)";
  for (const bool folder_exists : {false, true}) {
    SCOPED_TRACE(folder_exists ? "a folder with a previous file" : "no folder yet");
    const fs::path output = root_ / (folder_exists ? "previous" : "missing");
    if (folder_exists) {
      fs::create_directories(output);
      std::ofstream(output / "movimento_flat.csv") << "previous file\n";
    }
    RunResult run = Etl(output);
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("movimento.des_transacao is " + found_binary +
                              " where sicoop expects a text type (VARCHAR, CHAR or TEXT): Spark reads a binary type "
                              "as bytes, not text"),
              std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("movimento.vlr_transacao is text where sicoop expects a decimal with at most 2 "
                              "fraction digits"),
              std::string::npos)
        << run.output;
    if (folder_exists) {
      std::vector<std::string> names;
      for (const auto& entry : fs::directory_iterator(output)) names.push_back(entry.path().filename());
      EXPECT_EQ(names, std::vector<std::string>{"movimento_flat.csv"});
      EXPECT_EQ(ReadWholeFile(output / "movimento_flat.csv"), "previous file\n");
    } else {
      EXPECT_FALSE(fs::exists(output)) << output << " was created by a refused run";
    }
  }
}

TEST_P(ColumnTypesTest, CompatibleVariantsGiveTheSameFile) {
  ASSERT_NO_FATAL_FAILURE(Alter(
      "ALTER TABLE movimento ALTER COLUMN des_transacao TYPE text, ALTER COLUMN vlr_transacao TYPE numeric(15,2), "
      "ALTER COLUMN data_movimento TYPE timestamp(6); ALTER TABLE associado ALTER COLUMN idade TYPE bigint, "
      "ALTER COLUMN nome TYPE varchar(20); ALTER TABLE conta ALTER COLUMN tipo TYPE char(2)",
      "ALTER TABLE movimento MODIFY des_transacao TEXT NOT NULL, MODIFY vlr_transacao DECIMAL(15,2) NOT NULL, "
      "MODIFY data_movimento DATETIME(6) NOT NULL; ALTER TABLE associado MODIFY idade TINYINT UNSIGNED NOT NULL, "
      "MODIFY nome VARCHAR(20) NOT NULL; ALTER TABLE conta MODIFY tipo ENUM('CC', 'CP') NOT NULL"));
  RunResult run = Etl(root_ / "out");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(ReadWholeFile(root_ / "out" / "movimento_flat.csv"), kExpected);
}

INSTANTIATE_TEST_SUITE_P(Dialects, ColumnTypesTest, ::testing::Values("postgres", "mysql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sicoop::testing
