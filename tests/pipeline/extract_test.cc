#include "pipeline/extract.h"

#include <gtest/gtest.h>

#include "pipeline/flat_view.h"

namespace sicoop::pipeline {
namespace {

const SourceTable& Table(const std::string& name) {
  for (const auto& table : SourceTables()) {
    if (table.name == name) return table;
  }
  throw std::runtime_error("no table " + name);
}

db::DbUrl PostgresSource() {
  db::DbUrl url;
  url.dialect = db::Dialect::kPostgres;
  url.user = "etl";
  url.password = "s3cret!";
  url.host = "db.example";
  url.port = 5432;
  url.database = "coop";
  return url;
}

TEST(PartitionCountTest, SmallAndEmptyTablesAreReadWhole) {
  EXPECT_EQ(PartitionCount(KeyRange{}, 0), 1);
  EXPECT_EQ(PartitionCount(KeyRange{}, 8), 1);
  EXPECT_EQ(PartitionCount(KeyRange{1, 5000, 5000}, 0), 1);
}

TEST(PartitionCountTest, LargeTablesAreSplitBySize) {
  EXPECT_EQ(PartitionCount(KeyRange{1, 20000, 20000}, 0), 2);
  EXPECT_EQ(PartitionCount(KeyRange{1, 10000000, 10000000}, 0), 40);
  EXPECT_EQ(PartitionCount(KeyRange{1, 1000000000, 1000000000}, 0), 256);
}

TEST(PartitionCountTest, RequestedCountWinsButNeverExceedsTheKeys) {
  EXPECT_EQ(PartitionCount(KeyRange{1, 5000, 5000}, 4), 4);
  EXPECT_EQ(PartitionCount(KeyRange{10, 12, 3}, 8), 3);
}

TEST(JdbcReadOptionsTest, PartitionsOnTheKeyWithInclusiveBounds) {
  auto options = JdbcReadOptions(PostgresSource(), Table("movimento"), KeyRange{7, 1006, 1000}, 4);
  EXPECT_EQ(options.at("partitionColumn"), "id");
  EXPECT_EQ(options.at("lowerBound"), "7");
  EXPECT_EQ(options.at("upperBound"), "1007");
  EXPECT_EQ(options.at("numPartitions"), "4");
  EXPECT_EQ(options.at("driver"), "org.postgresql.Driver");
}

TEST(JdbcReadOptionsTest, OnePartitionHasNoPartitionOptions) {
  auto options = JdbcReadOptions(PostgresSource(), Table("conta"), KeyRange{1, 10, 10}, 1);
  EXPECT_EQ(options.count("partitionColumn"), 0u);
  EXPECT_EQ(options.count("numPartitions"), 0u);
}

TEST(JdbcReadOptionsTest, CredentialsStayOutOfTheUrl) {
  auto options = JdbcReadOptions(PostgresSource(), Table("associado"), KeyRange{}, 1);
  EXPECT_EQ(options.at("user"), "etl");
  EXPECT_EQ(options.at("password"), "s3cret!");
  EXPECT_EQ(options.at("url").find("s3cret"), std::string::npos) << options.at("url");
  EXPECT_EQ(options.at("url").find("etl"), std::string::npos) << options.at("url");
}

TEST(ExtractSubqueryTest, TimestampsLeaveTheDatabaseAsWallClockText) {
  std::string pg = ExtractSubquery(db::Dialect::kPostgres, Table("movimento"));
  EXPECT_NE(pg.find("to_char(data_movimento, 'YYYY-MM-DD HH24:MI:SS') AS data_movimento"),
            std::string::npos) << pg;
  std::string my = ExtractSubquery(db::Dialect::kMysql, Table("cartao"));
  EXPECT_NE(my.find("DATE_FORMAT(data_criacao, '%Y-%m-%d %H:%i:%s') AS data_criacao"),
            std::string::npos) << my;
  EXPECT_EQ(my.rfind(") AS cartao_src"), my.size() - std::string(") AS cartao_src").size());
}

TEST(FlatViewTest, HeaderFollowsTheContractAndTheDelimiter) {
  EXPECT_EQ(FlatViewHeader(','),
            "nome_associado,sobrenome_associado,idade_associado,vlr_transacao_movimento,"
            "des_transacao_movimento,data_movimento,numero_cartao,nome_impresso_cartao,"
            "data_criacao_cartao,tipo_conta,data_criacao_conta");
  EXPECT_EQ(FlatViewHeader(';').find(','), std::string::npos);
  EXPECT_EQ(FlatViewHeader(';').substr(0, 35), "nome_associado;sobrenome_associado;");
}

TEST(FlatViewTest, SortsByMovementTimeThenId) {
  std::string sql = FlatViewSql(CardNumberMode::kMasked);
  EXPECT_EQ(sql.substr(sql.size() - 36), "ORDER BY m.data_movimento, m.id") << sql;
}

TEST(FlatViewTest, MasksOnlyWhenAsked) {
  EXPECT_NE(FlatViewSql(CardNumberMode::kMasked).find(MaskedCardNumberSql("c.num_cartao")),
            std::string::npos);
  EXPECT_EQ(FlatViewSql(CardNumberMode::kFull).find("repeat('*'"), std::string::npos);
}

}  // namespace
}  // namespace sicoop::pipeline
