#include "pipeline/extract.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "pipeline/flat_view.h"

namespace sicoop::pipeline {
namespace {

// A query's text without its "--" comments, every run of white space one space.
std::string NormalizedSql(const std::string& text) {
  std::string without_comments = std::regex_replace(text, std::regex("--[^\n]*"), " ");
  std::string spaced = std::regex_replace(without_comments, std::regex("\\s+"), " ");
  return std::regex_replace(spaced, std::regex("^ | $"), "");
}

std::string ReadBenchQuery(const std::string& name) {
  std::ifstream in(std::string(SICOOP_BENCH_ETL_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return NormalizedSql(text.str());
}

// The items of a select list, split at the commas outside parentheses.
std::vector<std::string> SelectItems(const std::string& list) {
  std::vector<std::string> items(1);
  int depth = 0;
  for (char c : list) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      items.emplace_back();
    } else {
      items.back() += c;
    }
  }
  for (std::string& item : items) item = NormalizedSql(item);
  return items;
}

// What a query selects, joins and orders by: each output column as "<name> <- <alias.column ...>",
// the FROM clause, and the ordering keys.
struct QueryShape {
  std::vector<std::string> columns;
  std::string from;
  std::string order;
};

QueryShape ShapeOf(const std::string& sql, const std::string& order_keyword) {
  QueryShape shape;
  size_t select = sql.find("SELECT ");
  size_t from = sql.find(" FROM ");
  size_t order = sql.find(" " + order_keyword + " ");
  if (select == std::string::npos || from == std::string::npos || order == std::string::npos) return shape;
  std::string list = sql.substr(select + 7, from - select - 7);
  list = std::regex_replace(list, std::regex("^/\\*.*?\\*/ "), "");
  for (const std::string& item : SelectItems(list)) {
    size_t as = item.rfind(" AS ");
    std::string column = item.substr(as + 4) + " <-";
    std::string expression = item.substr(0, as);
    std::regex reference("\\b[a-z]+\\.[a-z_]+\\b");
    for (auto it = std::sregex_iterator(expression.begin(), expression.end(), reference); it != std::sregex_iterator();
         ++it) {
      column += " " + it->str();
    }
    shape.columns.push_back(column);
  }
  shape.from = sql.substr(from + 1, order - from - 1);
  std::string keys = sql.substr(order + order_keyword.size() + 2);
  shape.order = keys.substr(0, keys.find(" LIMIT "));
  return shape;
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
  JdbcRead read = PlanJdbcRead(PostgresSource(), db::Cartao(), profile, 4);
  EXPECT_EQ(read.options.at("partitionColumn"), "id");
  EXPECT_EQ(read.options.at("lowerBound"), "7");
  EXPECT_EQ(read.options.at("upperBound"), "1007");
  EXPECT_EQ(read.options.at("numPartitions"), "4");
  EXPECT_EQ(read.options.at("driver"), "org.postgresql.Driver");
  EXPECT_TRUE(read.predicates.empty());
}

TEST(PlanJdbcReadTest, TheFactTableIsReadInTimeSlicesOnTheRawColumn) {
  TableProfile profile{1000, 1, 1000, "2024-01-01 00:00:00", "2024-01-02 23:59:59"};
  JdbcRead read = PlanJdbcRead(PostgresSource(), db::Movimento(), profile, 2);
  EXPECT_EQ(read.predicates, (std::vector<std::string>{"data_movimento_raw < '2024-01-02 00:00:00'",
                                                        "data_movimento_raw >= '2024-01-02 00:00:00'"}));
  EXPECT_EQ(read.options.count("partitionColumn"), 0u);
}

TEST(PlanJdbcReadTest, OnePartitionOrAnEmptyTableIsReadWhole) {
  JdbcRead one = PlanJdbcRead(PostgresSource(), db::Conta(), TableProfile{10, 1, 10, "", ""}, 1);
  EXPECT_EQ(one.options.count("partitionColumn"), 0u);
  EXPECT_TRUE(one.predicates.empty());
  JdbcRead empty = PlanJdbcRead(PostgresSource(), db::Movimento(), TableProfile{}, 8);
  EXPECT_TRUE(empty.predicates.empty());
}

TEST(PlanJdbcReadTest, CredentialsStayOutOfTheUrl) {
  JdbcRead read = PlanJdbcRead(PostgresSource(), db::Associado(), TableProfile{}, 1);
  EXPECT_EQ(read.options.at("user"), "etl");
  EXPECT_EQ(read.options.at("password"), "s3cret!");
  EXPECT_EQ(read.options.at("url").find("s3cret"), std::string::npos) << read.options.at("url");
  EXPECT_EQ(read.options.at("url").find("etl"), std::string::npos) << read.options.at("url");
}

TEST(PlanJdbcReadTest, EveryReadAdoptsTheInstantsSessionOptions) {
  ReadInstant instant{{{"sessionInitStatement", "SET TRANSACTION SNAPSHOT '00000003-0000001B-1'"}}, ""};
  for (const SourceTable& table : SourceTables()) {
    JdbcRead read = PlanJdbcRead(PostgresSource(), table, TableProfile{10, 1, 10, "2024-01-01 00:00:00",
                                                                        "2024-01-02 00:00:00"}, 2, instant);
    EXPECT_EQ(read.options.at("sessionInitStatement"), "SET TRANSACTION SNAPSHOT '00000003-0000001B-1'") << table.name;
    EXPECT_EQ(read.options.at("dbtable").find("WHERE"), std::string::npos) << table.name;
  }
}

TEST(PlanJdbcReadTest, OnlyTheFactTableIsReadUpToTheHighWaterMark) {
  ReadInstant instant{{}, "id <= 41"};
  EXPECT_EQ(PlanJdbcRead(PostgresSource(), db::Movimento(), TableProfile{}, 1, instant).options.at("dbtable"),
            "(SELECT id, vlr_transacao, des_transacao, to_char(data_movimento, 'YYYY-MM-DD HH24:MI:SS') AS "
            "data_movimento, id_cartao, data_movimento AS data_movimento_raw FROM movimento WHERE id <= 41) AS "
            "movimento_src");
  EXPECT_EQ(PlanJdbcRead(PostgresSource(), db::Cartao(), TableProfile{}, 1, instant).options.at("dbtable").find("WHERE"),
            std::string::npos);
  EXPECT_EQ(PlanJdbcRead(PostgresSource(), db::Movimento(), TableProfile{}, 1, instant).options.count("sessionInitStatement"),
            0u);
}

TEST(ExtractSubqueryTest, SourceTablesAreTheFourTablesParentsFirst) {
  std::vector<std::string> names;
  for (const SourceTable& table : SourceTables()) names.push_back(table.name);
  EXPECT_EQ(names, (std::vector<std::string>{"associado", "conta", "cartao", "movimento"}));
}

TEST(ExtractSubqueryTest, PostgresReadsTheFlatViewsColumnsWithTimestampsAsWallClockText) {
  EXPECT_EQ(ExtractSubquery(db::Dialect::kPostgres, db::Associado()),
            "(SELECT id, nome, sobrenome, idade FROM associado) AS associado_src");
  EXPECT_EQ(ExtractSubquery(db::Dialect::kPostgres, db::Conta()),
            "(SELECT id, tipo, to_char(data_criacao, 'YYYY-MM-DD HH24:MI:SS') AS data_criacao, id_associado "
            "FROM conta) AS conta_src");
  EXPECT_EQ(ExtractSubquery(db::Dialect::kPostgres, db::Cartao()),
            "(SELECT id, num_cartao, nom_impresso, to_char(data_criacao, 'YYYY-MM-DD HH24:MI:SS') AS data_criacao, "
            "id_conta FROM cartao) AS cartao_src");
  EXPECT_EQ(ExtractSubquery(db::Dialect::kPostgres, db::Movimento()),
            "(SELECT id, vlr_transacao, des_transacao, to_char(data_movimento, 'YYYY-MM-DD HH24:MI:SS') AS "
            "data_movimento, id_cartao, data_movimento AS data_movimento_raw FROM movimento) AS movimento_src");
}

TEST(ExtractSubqueryTest, MysqlRendersTimestampsWithDateFormat) {
  EXPECT_EQ(ExtractSubquery(db::Dialect::kMysql, db::Cartao()),
            "(SELECT id, num_cartao, nom_impresso, DATE_FORMAT(data_criacao, '%Y-%m-%d %H:%i:%s') AS data_criacao, "
            "id_conta FROM cartao) AS cartao_src");
  EXPECT_EQ(ExtractSubquery(db::Dialect::kMysql, db::Movimento()),
            "(SELECT id, vlr_transacao, des_transacao, DATE_FORMAT(data_movimento, '%Y-%m-%d %H:%i:%s') AS "
            "data_movimento, id_cartao, data_movimento AS data_movimento_raw FROM movimento) AS movimento_src");
}

TEST(FlatViewTest, HeaderFollowsTheContractAndTheDelimiter) {
  EXPECT_EQ(FlatViewHeader(','),
            "nome_associado,sobrenome_associado,idade_associado,vlr_transacao_movimento,"
            "des_transacao_movimento,data_movimento,numero_cartao,nome_impresso_cartao,"
            "data_criacao_cartao,tipo_conta,data_criacao_conta");
  EXPECT_EQ(FlatViewHeader(';').find(','), std::string::npos);
  EXPECT_EQ(FlatViewHeader(';').substr(0, 35), "nome_associado;sobrenome_associado;");
}

TEST(FlatViewTest, JoinsEveryMovementToItsCardAccountAndMember) {
  EXPECT_EQ(FlatViewSql(CardNumberMode::kFull),
            "SELECT /*+ BROADCAST(c, co, a) */ "
            "a.nome AS nome_associado, "
            "a.sobrenome AS sobrenome_associado, "
            "a.idade AS idade_associado, "
            "CAST(CAST(m.vlr_transacao AS DECIMAL(38, 2)) AS STRING) AS vlr_transacao_movimento, "
            "m.des_transacao AS des_transacao_movimento, "
            "m.data_movimento AS data_movimento, "
            "c.num_cartao AS numero_cartao, "
            "c.nom_impresso AS nome_impresso_cartao, "
            "c.data_criacao AS data_criacao_cartao, "
            "co.tipo AS tipo_conta, "
            "co.data_criacao AS data_criacao_conta "
            "FROM movimento m "
            "JOIN cartao c ON m.id_cartao = c.id "
            "JOIN conta co ON c.id_conta = co.id "
            "JOIN associado a ON co.id_associado = a.id "
            "SORT BY m.data_movimento, m.id");
}

TEST(FlatViewTest, SortsByMovementTimeThenId) {
  std::string sql = FlatViewSql(CardNumberMode::kMasked);
  EXPECT_EQ(sql.substr(sql.size() - 30), "SORT BY m.data_movimento, m.id") << sql;
}

TEST(FlatViewTest, MasksOnlyWhenAsked) {
  EXPECT_NE(FlatViewSql(CardNumberMode::kMasked)
                .find("concat(repeat('*', greatest(char_length(c.num_cartao) - 4, 0)), right(c.num_cartao, 4)) "
                      "AS numero_cartao"),
            std::string::npos);
  EXPECT_EQ(FlatViewSql(CardNumberMode::kFull).find("repeat('*'"), std::string::npos);
}

TEST(FlatViewTest, SpreadsheetSafeQuotesFormulaStartsInTextColumnsOnly) {
  EXPECT_EQ(SpreadsheetSafeSql("m.des_transacao"),
            "CASE WHEN substr(m.des_transacao, 1, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
            "THEN concat(chr(39), m.des_transacao) ELSE m.des_transacao END");
  std::string sql = FlatViewSql(CardNumberMode::kFull, true);
  for (const char* text : {"a.nome", "a.sobrenome", "m.des_transacao", "c.num_cartao", "c.nom_impresso", "co.tipo"}) {
    EXPECT_NE(sql.find(SpreadsheetSafeSql(text)), std::string::npos) << text;
  }
  // The amount's '-' is a sign; the age and the timestamps start with a digit.
  for (const char* other : {"m.vlr_transacao", "a.idade", "m.data_movimento", "c.data_criacao", "co.data_criacao"}) {
    EXPECT_EQ(sql.find("substr(" + std::string(other)), std::string::npos) << other;
  }
  EXPECT_NE(sql.find("CAST(CAST(m.vlr_transacao AS DECIMAL(38, 2)) AS STRING) AS vlr_transacao_movimento"),
            std::string::npos);
  EXPECT_NE(FlatViewSql(CardNumberMode::kMasked, true).find(SpreadsheetSafeSql(MaskedCardNumberSql("c.num_cartao"))),
            std::string::npos);
  EXPECT_EQ(FlatViewSql(CardNumberMode::kMasked).find("chr(39)"), std::string::npos);
}

// The benchmark's reference (b) is the database's own run of the same join: the same columns in the
// same order from the same source columns, the same joins, the same order.
TEST(FlatViewTest, BenchmarkQueriesAreTheFlatViewsJoin) {
  QueryShape spark = ShapeOf(FlatViewSql(CardNumberMode::kMasked), "SORT BY");
  ASSERT_EQ(spark.columns.size(), 11u);
  EXPECT_EQ(spark.columns[3], "vlr_transacao_movimento <- m.vlr_transacao");
  EXPECT_EQ(spark.from,
            "FROM movimento m JOIN cartao c ON m.id_cartao = c.id JOIN conta co ON c.id_conta = co.id "
            "JOIN associado a ON co.id_associado = a.id");
  EXPECT_EQ(spark.order, "m.data_movimento, m.id");
  for (const char* file : {"flat_view.postgresql.sql", "flat_view.mysql.sql"}) {
    QueryShape bench = ShapeOf(ReadBenchQuery(file), "ORDER BY");
    EXPECT_EQ(bench.columns, spark.columns) << file;
    EXPECT_EQ(bench.from, spark.from) << file;
    EXPECT_EQ(bench.order, spark.order) << file;
  }
}

}  // namespace
}  // namespace sicoop::pipeline
