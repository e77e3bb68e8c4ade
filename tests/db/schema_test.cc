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

}  // namespace
}  // namespace sicoop::db
