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

TEST(PartitionCountTest, SmallTablesAreReadWhole) {
  EXPECT_EQ(PartitionCount(0, 0, 2), 1);
  EXPECT_EQ(PartitionCount(19999, 0, 8), 1);
}

TEST(PartitionCountTest, LargeTablesAreSplitBySize) {
  EXPECT_EQ(PartitionCount(20000, 0, 2), 2);
  EXPECT_EQ(PartitionCount(10000000, 0, 2), 40);
  EXPECT_EQ(PartitionCount(1000000000, 0, 2), 256);
}

TEST(PartitionCountTest, EveryTaskSlotGetsWorkInEachWave) {
  EXPECT_EQ(PartitionCount(1000000, 0, 3), 6);      // 4 by size, rounded up to two waves of 3
  EXPECT_EQ(PartitionCount(10000000, 0, 16), 48);   // 40 by size, three waves of 16
  EXPECT_EQ(PartitionCount(100000, 0, 64), 10);     // no partition under 10k rows
  EXPECT_EQ(PartitionCount(10000000, 0, 0), 40);    // unknown parallelism counts as one slot
}

TEST(PartitionCountTest, RequestedCountWins) {
  EXPECT_EQ(PartitionCount(5000, 4, 2), 4);
  EXPECT_EQ(PartitionCount(10000000, 3, 64), 3);
}

TEST(PlanJdbcReadTest, DimensionsArePartitionedOnTheKeyWithInclusiveBounds) {
  TableProfile profile{1000, 7, 1006, "", ""};
  JdbcRead read = PlanJdbcRead(PostgresSource(), Table("cartao"), profile, 4);
  EXPECT_EQ(read.options.at("partitionColumn"), "id");
  EXPECT_EQ(read.options.at("lowerBound"), "7");
  EXPECT_EQ(read.options.at("upperBound"), "1007");
  EXPECT_EQ(read.options.at("numPartitions"), "4");
  EXPECT_EQ(read.options.at("driver"), "org.postgresql.Driver");
  EXPECT_TRUE(read.predicates.empty());
}

TEST(PlanJdbcReadTest, TheFactTableIsReadInTimeSlicesOnTheRawColumn) {
  TableProfile profile{1000, 1, 1000, "2024-01-01 00:00:00", "2024-01-02 23:59:59"};
  JdbcRead read = PlanJdbcRead(PostgresSource(), Table("movimento"), profile, 2);
  EXPECT_EQ(read.predicates, (std::vector<std::string>{"data_movimento_raw < '2024-01-02 00:00:00'",
                                                        "data_movimento_raw >= '2024-01-02 00:00:00'"}));
  EXPECT_EQ(read.options.count("partitionColumn"), 0u);
}

TEST(PlanJdbcReadTest, OnePartitionOrAnEmptyTableIsReadWhole) {
  JdbcRead one = PlanJdbcRead(PostgresSource(), Table("conta"), TableProfile{10, 1, 10, "", ""}, 1);
  EXPECT_EQ(one.options.count("partitionColumn"), 0u);
  EXPECT_TRUE(one.predicates.empty());
  JdbcRead empty = PlanJdbcRead(PostgresSource(), Table("movimento"), TableProfile{}, 8);
  EXPECT_TRUE(empty.predicates.empty());
}

TEST(PlanJdbcReadTest, CredentialsStayOutOfTheUrl) {
  JdbcRead read = PlanJdbcRead(PostgresSource(), Table("associado"), TableProfile{}, 1);
  EXPECT_EQ(read.options.at("user"), "etl");
  EXPECT_EQ(read.options.at("password"), "s3cret!");
  EXPECT_EQ(read.options.at("url").find("s3cret"), std::string::npos) << read.options.at("url");
  EXPECT_EQ(read.options.at("url").find("etl"), std::string::npos) << read.options.at("url");
}

TEST(ExtractSubqueryTest, TimestampsLeaveTheDatabaseAsWallClockText) {
  std::string pg = ExtractSubquery(db::Dialect::kPostgres, Table("movimento"));
  EXPECT_NE(pg.find("to_char(data_movimento, 'YYYY-MM-DD HH24:MI:SS') AS data_movimento"),
            std::string::npos) << pg;
  std::string my = ExtractSubquery(db::Dialect::kMysql, Table("cartao"));
  EXPECT_NE(my.find("DATE_FORMAT(data_criacao, '%Y-%m-%d %H:%i:%s') AS data_criacao"),
            std::string::npos) << my;
  EXPECT_EQ(my.rfind(") AS cartao_src"), my.size() - std::string(") AS cartao_src").size());
  EXPECT_NE(pg.find("data_movimento AS data_movimento_raw FROM movimento"), std::string::npos) << pg;
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
  EXPECT_EQ(sql.substr(sql.size() - 30), "SORT BY m.data_movimento, m.id") << sql;
}

TEST(FlatViewTest, MasksOnlyWhenAsked) {
  EXPECT_NE(FlatViewSql(CardNumberMode::kMasked).find(MaskedCardNumberSql("c.num_cartao")),
            std::string::npos);
  EXPECT_EQ(FlatViewSql(CardNumberMode::kFull).find("repeat('*'"), std::string::npos);
}

}  // namespace
}  // namespace sicoop::pipeline
