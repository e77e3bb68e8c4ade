// The schema generated from the table descriptors, against statements written out by hand.
#include "db/schema.h"

#include <gtest/gtest.h>

namespace sicoop::db {
namespace {

TEST(SchemaTest, PostgresStatementsCreateTablesThenIndexes) {
  std::vector<std::string> expected = {
      "CREATE TABLE IF NOT EXISTS associado (\n"
      "  id INTEGER NOT NULL PRIMARY KEY,\n"
      "  nome VARCHAR(100) NOT NULL,\n"
      "  sobrenome VARCHAR(100) NOT NULL,\n"
      "  idade INTEGER NOT NULL,\n"
      "  email VARCHAR(255))",
      "CREATE TABLE IF NOT EXISTS conta (\n"
      "  id INTEGER NOT NULL PRIMARY KEY,\n"
      "  tipo VARCHAR(2) NOT NULL,\n"
      "  data_criacao TIMESTAMP WITHOUT TIME ZONE NOT NULL,\n"
      "  id_associado INTEGER NOT NULL,\n"
      "  CONSTRAINT conta_tipo_check CHECK (tipo IN ('CC', 'CP')),\n"
      "  CONSTRAINT conta_id_associado_fk FOREIGN KEY (id_associado) REFERENCES associado (id))",
      "CREATE TABLE IF NOT EXISTS cartao (\n"
      "  id INTEGER NOT NULL PRIMARY KEY,\n"
      "  num_cartao VARCHAR(19) NOT NULL,\n"
      "  nom_impresso VARCHAR(100) NOT NULL,\n"
      "  data_criacao TIMESTAMP WITHOUT TIME ZONE NOT NULL,\n"
      "  id_conta INTEGER NOT NULL,\n"
      "  id_associado INTEGER NOT NULL,\n"
      "  CONSTRAINT cartao_id_conta_fk FOREIGN KEY (id_conta) REFERENCES conta (id),\n"
      "  CONSTRAINT cartao_id_associado_fk FOREIGN KEY (id_associado) REFERENCES associado (id))",
      "CREATE TABLE IF NOT EXISTS movimento (\n"
      "  id BIGINT NOT NULL PRIMARY KEY,\n"
      "  vlr_transacao NUMERIC(12,2) NOT NULL,\n"
      "  des_transacao VARCHAR(255) NOT NULL,\n"
      "  data_movimento TIMESTAMP WITHOUT TIME ZONE NOT NULL,\n"
      "  id_cartao INTEGER NOT NULL,\n"
      "  CONSTRAINT movimento_id_cartao_fk FOREIGN KEY (id_cartao) REFERENCES cartao (id))",
      "CREATE INDEX IF NOT EXISTS conta_id_associado_idx ON conta (id_associado)",
      "CREATE INDEX IF NOT EXISTS cartao_id_conta_idx ON cartao (id_conta)",
      "CREATE INDEX IF NOT EXISTS cartao_id_associado_idx ON cartao (id_associado)",
      "CREATE INDEX IF NOT EXISTS movimento_id_cartao_idx ON movimento (id_cartao)",
      "CREATE INDEX IF NOT EXISTS movimento_data_movimento_idx ON movimento (data_movimento)",
  };
  std::vector<std::string> actual = CreateStatements(Dialect::kPostgres);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(actual[i], expected[i]) << "statement " << i;
}

TEST(SchemaTest, MysqlStatementsHoldTheIndexesInsideCreateTable) {
  const std::string options = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
  std::vector<std::string> expected = {
      "CREATE TABLE IF NOT EXISTS associado (\n"
      "  id INTEGER NOT NULL PRIMARY KEY,\n"
      "  nome VARCHAR(100) NOT NULL,\n"
      "  sobrenome VARCHAR(100) NOT NULL,\n"
      "  idade INTEGER NOT NULL,\n"
      "  email VARCHAR(255))" + options,
      "CREATE TABLE IF NOT EXISTS conta (\n"
      "  id INTEGER NOT NULL PRIMARY KEY,\n"
      "  tipo VARCHAR(2) NOT NULL,\n"
      "  data_criacao DATETIME NOT NULL,\n"
      "  id_associado INTEGER NOT NULL,\n"
      "  CONSTRAINT conta_tipo_check CHECK (tipo IN ('CC', 'CP')),\n"
      "  CONSTRAINT conta_id_associado_fk FOREIGN KEY (id_associado) REFERENCES associado (id),\n"
      "  INDEX conta_id_associado_idx (id_associado))" + options,
      "CREATE TABLE IF NOT EXISTS cartao (\n"
      "  id INTEGER NOT NULL PRIMARY KEY,\n"
      "  num_cartao VARCHAR(19) NOT NULL,\n"
      "  nom_impresso VARCHAR(100) NOT NULL,\n"
      "  data_criacao DATETIME NOT NULL,\n"
      "  id_conta INTEGER NOT NULL,\n"
      "  id_associado INTEGER NOT NULL,\n"
      "  CONSTRAINT cartao_id_conta_fk FOREIGN KEY (id_conta) REFERENCES conta (id),\n"
      "  CONSTRAINT cartao_id_associado_fk FOREIGN KEY (id_associado) REFERENCES associado (id),\n"
      "  INDEX cartao_id_conta_idx (id_conta),\n"
      "  INDEX cartao_id_associado_idx (id_associado))" + options,
      "CREATE TABLE IF NOT EXISTS movimento (\n"
      "  id BIGINT NOT NULL PRIMARY KEY,\n"
      "  vlr_transacao DECIMAL(12,2) NOT NULL,\n"
      "  des_transacao VARCHAR(255) NOT NULL,\n"
      "  data_movimento DATETIME NOT NULL,\n"
      "  id_cartao INTEGER NOT NULL,\n"
      "  CONSTRAINT movimento_id_cartao_fk FOREIGN KEY (id_cartao) REFERENCES cartao (id),\n"
      "  INDEX movimento_id_cartao_idx (id_cartao),\n"
      "  INDEX movimento_data_movimento_idx (data_movimento))" + options,
  };
  std::vector<std::string> actual = CreateStatements(Dialect::kMysql);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(actual[i], expected[i]) << "statement " << i;
}

TEST(SchemaTest, MysqlAddsAMissingIndexWithoutIfNotExists) {
  EXPECT_EQ(CreateIndexStatement({"movimento", "data_movimento"}, Dialect::kMysql),
            "CREATE INDEX movimento_data_movimento_idx ON movimento (data_movimento)");
}

TEST(TablesTest, ParentsComeBeforeChildrenAndAccessorsNameTheirTable) {
  std::vector<std::string> names;
  for (const TableDesc& table : SourceSchema()) names.push_back(table.name);
  EXPECT_EQ(names, (std::vector<std::string>{"associado", "conta", "cartao", "movimento"}));
  EXPECT_EQ(Associado().name, "associado");
  EXPECT_EQ(Conta().name, "conta");
  EXPECT_EQ(Cartao().name, "cartao");
  EXPECT_EQ(Movimento().name, "movimento");
}

TEST(TablesTest, BulkLoadFieldsFollowTheColumnOrder) {
  EXPECT_EQ(Cartao().ColumnNames(), (std::vector<std::string>{"id", "num_cartao", "nom_impresso", "data_criacao",
                                                               "id_conta", "id_associado"}));
  EXPECT_EQ(Movimento().ColumnNames(),
            (std::vector<std::string>{"id", "vlr_transacao", "des_transacao", "data_movimento", "id_cartao"}));
}

TEST(TablesTest, OnlyMovimentoHasATimeColumn) {
  EXPECT_EQ(Movimento().time_column, "data_movimento");
  EXPECT_TRUE(Movimento().is_fact());
  for (const TableDesc* table : {&Associado(), &Conta(), &Cartao()}) EXPECT_FALSE(table->is_fact()) << table->name;
}

TEST(TablesTest, ForeignKeysReferenceTheParentsPrimaryKey) {
  std::vector<std::string> clauses;
  for (const ForeignKeyDef& fk : ForeignKeys()) clauses.push_back(fk.clause());
  EXPECT_EQ(clauses, (std::vector<std::string>{
                         "CONSTRAINT conta_id_associado_fk FOREIGN KEY (id_associado) REFERENCES associado (id)",
                         "CONSTRAINT cartao_id_conta_fk FOREIGN KEY (id_conta) REFERENCES conta (id)",
                         "CONSTRAINT cartao_id_associado_fk FOREIGN KEY (id_associado) REFERENCES associado (id)",
                         "CONSTRAINT movimento_id_cartao_fk FOREIGN KEY (id_cartao) REFERENCES cartao (id)"}));
}

// information_schema's description of a column, as PostgreSQL gives it.
FoundType Pg(const std::string& data_type, std::optional<int64_t> length = std::nullopt,
             std::optional<int64_t> precision = std::nullopt, std::optional<int64_t> scale = std::nullopt) {
  return FoundType{data_type, "", length, precision, scale};
}

// ... and as MySQL/MariaDB gives it.
FoundType My(const std::string& data_type, const std::string& column_type,
             std::optional<int64_t> precision = std::nullopt, std::optional<int64_t> scale = std::nullopt) {
  return FoundType{data_type, column_type, std::nullopt, precision, scale};
}

TEST(TypeMismatchTest, WhatDbInitCreatesIsAccepted) {
  EXPECT_EQ(TypeMismatch(kInt, Pg("integer")), "");
  EXPECT_EQ(TypeMismatch(kBigInt, Pg("bigint")), "");
  EXPECT_EQ(TypeMismatch(kDecimal12_2, Pg("numeric", std::nullopt, 12, 2)), "");
  EXPECT_EQ(TypeMismatch(Varchar(255), Pg("character varying", 255)), "");
  EXPECT_EQ(TypeMismatch(kTimestamp, Pg("timestamp without time zone")), "");
  EXPECT_EQ(TypeMismatch(kInt, My("int", "int(11)")), "");
  EXPECT_EQ(TypeMismatch(kDecimal12_2, My("decimal", "decimal(12,2)", 12, 2)), "");
  EXPECT_EQ(TypeMismatch(Varchar(19), My("varchar", "varchar(19)")), "");
  EXPECT_EQ(TypeMismatch(kTimestamp, My("datetime", "datetime")), "");
}

TEST(TypeMismatchTest, VariantsWhoseValuesReachTheCsvUnchangedAreAccepted) {
  EXPECT_EQ(TypeMismatch(kInt, Pg("bigint")), "");
  EXPECT_EQ(TypeMismatch(kBigInt, Pg("integer")), "");
  EXPECT_EQ(TypeMismatch(kInt, Pg("smallint")), "");
  EXPECT_EQ(TypeMismatch(kInt, My("tinyint", "tinyint(3) unsigned")), "");
  EXPECT_EQ(TypeMismatch(kInt, My("mediumint", "mediumint(9)")), "");
  EXPECT_EQ(TypeMismatch(kBigInt, My("bigint", "bigint(20) unsigned")), "");
  EXPECT_EQ(TypeMismatch(kDecimal12_2, Pg("numeric", std::nullopt, 15, 2)), "");
  EXPECT_EQ(TypeMismatch(kDecimal12_2, My("decimal", "decimal(10,0)", 10, 0)), "");
  EXPECT_EQ(TypeMismatch(Varchar(100), Pg("character varying", 40)), "");
  EXPECT_EQ(TypeMismatch(Varchar(100), Pg("text")), "");
  EXPECT_EQ(TypeMismatch(Varchar(2), Pg("character", 2)), "");
  EXPECT_EQ(TypeMismatch(Varchar(255), My("longtext", "longtext")), "");
  EXPECT_EQ(TypeMismatch(Varchar(2), My("enum", "enum('CC','CP')")), "");
  EXPECT_EQ(TypeMismatch(kTimestamp, Pg("timestamp without time zone")), "");  // TIMESTAMP(6) and (0) alike
}

TEST(TypeMismatchTest, OtherFamiliesAreRefusedNamingTheFoundAndExpectedTypes) {
  EXPECT_EQ(TypeMismatch(Varchar(255), My("varbinary", "varbinary(255)")),
            "varbinary(255) where sicoop expects a text type (VARCHAR, CHAR or TEXT): Spark reads a binary type as "
            "bytes, not text");
  EXPECT_EQ(TypeMismatch(Varchar(255), Pg("bytea")),
            "bytea where sicoop expects a text type (VARCHAR, CHAR or TEXT): Spark reads a binary type as bytes, not "
            "text");
  EXPECT_EQ(TypeMismatch(kDecimal12_2, Pg("text")),
            "text where sicoop expects a decimal with at most 2 fraction digits (NUMERIC(12,2) or DECIMAL(p,s), "
            "s <= 2, p <= 38)");
  EXPECT_EQ(TypeMismatch(kDecimal12_2, My("double", "double")),
            "double where sicoop expects a decimal with at most 2 fraction digits (NUMERIC(12,2) or DECIMAL(p,s), "
            "s <= 2, p <= 38)");
  EXPECT_EQ(TypeMismatch(kInt, Pg("numeric", std::nullopt, 10, 0)),
            "numeric(10,0) where sicoop expects an integer type (SMALLINT, INTEGER, BIGINT)");
  EXPECT_EQ(TypeMismatch(kInt, Pg("character varying", 10)),
            "character varying(10) where sicoop expects an integer type (SMALLINT, INTEGER, BIGINT)");
  EXPECT_EQ(TypeMismatch(kTimestamp, Pg("date")),
            "date where sicoop expects a timestamp without time zone (PostgreSQL TIMESTAMP, MySQL DATETIME)");
}

TEST(TypeMismatchTest, SameFamilyButValuesWouldChangeIsRefusedSayingWhy) {
  EXPECT_EQ(TypeMismatch(kDecimal12_2, Pg("numeric", std::nullopt, 12, 4)),
            "numeric(12,4) where sicoop expects a decimal with at most 2 fraction digits (NUMERIC(12,2) or "
            "DECIMAL(p,s), s <= 2, p <= 38): its extra fraction digits would be rounded away");
  EXPECT_EQ(TypeMismatch(kDecimal12_2, Pg("numeric")),
            "numeric where sicoop expects a decimal with at most 2 fraction digits (NUMERIC(12,2) or DECIMAL(p,s), "
            "s <= 2, p <= 38): an unconstrained NUMERIC may hold any number of fraction digits");
  EXPECT_EQ(TypeMismatch(kDecimal12_2, My("decimal", "decimal(65,2)", 65, 2)),
            "decimal(65,2) where sicoop expects a decimal with at most 2 fraction digits (NUMERIC(12,2) or "
            "DECIMAL(p,s), s <= 2, p <= 38): Spark reads at most 38 digits");
  EXPECT_EQ(TypeMismatch(kInt, My("tinyint", "tinyint(1)")),
            "tinyint(1) where sicoop expects an integer type (SMALLINT, INTEGER, BIGINT): MySQL's JDBC driver reads "
            "TINYINT(1) as a boolean");
  EXPECT_EQ(TypeMismatch(kTimestamp, Pg("timestamp with time zone")),
            "timestamp with time zone where sicoop expects a timestamp without time zone (PostgreSQL TIMESTAMP, "
            "MySQL DATETIME): it holds an instant, whose wall-clock text depends on a session's time zone");
  EXPECT_EQ(TypeMismatch(kTimestamp, My("timestamp", "timestamp")),
            "timestamp where sicoop expects a timestamp without time zone (PostgreSQL TIMESTAMP, MySQL DATETIME): it "
            "holds an instant, whose wall-clock text depends on a session's time zone");
}

}  // namespace
}  // namespace sicoop::db
