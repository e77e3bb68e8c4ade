#include "db/schema.h"

#include <set>
#include <utility>

namespace sicoop::db {
namespace {

// Column types are written once, with the two dialects' spellings side by side.
std::string Timestamp(Dialect d) { return d == Dialect::kPostgres ? "TIMESTAMP WITHOUT TIME ZONE" : "DATETIME"; }

std::string IndexName(const std::string& table, const std::string& column) {
  return table + "_" + column + "_idx";
}

std::string PostgresIndex(const std::string& table, const std::string& column) {
  return "CREATE INDEX IF NOT EXISTS " + IndexName(table, column) + " ON " + table + " (" + column + ")";
}

std::string ForeignKeyName(const std::string& table, const std::string& column) {
  return table + "_" + column + "_fk";
}

std::string ForeignKey(const std::string& table, const std::string& column, const std::string& parent) {
  return "CONSTRAINT " + ForeignKeyName(table, column) + " FOREIGN KEY (" + column + ") REFERENCES " + parent +
         " (id)";
}

// movimento's secondary indexes: the foreign key's, and data_movimento's, which serves the ETL's
// time-slice reads (one per Spark partition; without it every slice scans the whole table).
const std::vector<std::string> kMovimentoIndexed = {"id_cartao", "data_movimento"};

std::vector<std::string> CreateStatements(Dialect d) {
  bool pg = d == Dialect::kPostgres;
  // MySQL declares indexes inside CREATE TABLE (idempotent with IF NOT EXISTS); PostgreSQL needs
  // separate CREATE INDEX IF NOT EXISTS statements.
  auto index = [pg](const std::string& table, const std::string& column) {
    return pg ? PostgresIndex(table, column) : ",\n  INDEX " + IndexName(table, column) + " (" + column + ")";
  };
  auto fk = [](const std::string& table, const std::string& column, const std::string& parent) {
    return ",\n  " + ForeignKey(table, column, parent);
  };
  std::string table_options = pg ? "" : " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
  std::string inline_conta = pg ? "" : index("conta", "id_associado");
  std::string inline_cartao = pg ? "" : index("cartao", "id_conta") + index("cartao", "id_associado");
  std::string inline_movimento;
  if (!pg) {
    for (const auto& column : kMovimentoIndexed) inline_movimento += index("movimento", column);
  }

  std::vector<std::string> statements = {
      "CREATE TABLE IF NOT EXISTS associado (\n"
      "  id INTEGER NOT NULL PRIMARY KEY,\n"
      "  nome VARCHAR(100) NOT NULL,\n"
      "  sobrenome VARCHAR(100) NOT NULL,\n"
      "  idade INTEGER NOT NULL,\n"
      "  email VARCHAR(255))" + table_options,
      "CREATE TABLE IF NOT EXISTS conta (\n"
      "  id INTEGER NOT NULL PRIMARY KEY,\n"
      "  tipo VARCHAR(2) NOT NULL,\n"
      "  data_criacao " + Timestamp(d) + " NOT NULL,\n"
      "  id_associado INTEGER NOT NULL,\n"
      "  CONSTRAINT conta_tipo_check CHECK (tipo IN ('CC', 'CP'))" +
          fk("conta", "id_associado", "associado") + inline_conta + ")" + table_options,
      "CREATE TABLE IF NOT EXISTS cartao (\n"
      "  id INTEGER NOT NULL PRIMARY KEY,\n"
      "  num_cartao VARCHAR(19) NOT NULL,\n"
      "  nom_impresso VARCHAR(100) NOT NULL,\n"
      "  data_criacao " + Timestamp(d) + " NOT NULL,\n"
      "  id_conta INTEGER NOT NULL,\n"
      "  id_associado INTEGER NOT NULL" +
          fk("cartao", "id_conta", "conta") + fk("cartao", "id_associado", "associado") + inline_cartao + ")" +
          table_options,
      "CREATE TABLE IF NOT EXISTS movimento (\n"
      "  id BIGINT NOT NULL PRIMARY KEY,\n"
      "  vlr_transacao " + std::string(pg ? "NUMERIC(12,2)" : "DECIMAL(12,2)") + " NOT NULL,\n"
      "  des_transacao VARCHAR(255) NOT NULL,\n"
      "  data_movimento " + Timestamp(d) + " NOT NULL,\n"
      "  id_cartao INTEGER NOT NULL" +
          fk("movimento", "id_cartao", "cartao") + inline_movimento + ")" + table_options,
  };
  if (pg) {
    statements.push_back(index("conta", "id_associado"));
    statements.push_back(index("cartao", "id_conta"));
    statements.push_back(index("cartao", "id_associado"));
    for (const auto& column : kMovimentoIndexed) statements.push_back(index("movimento", column));
  }
  return statements;
}

}  // namespace

const std::vector<TableDef>& SourceSchema() {
  static const std::vector<TableDef> kTables = {
      {"associado", {"id", "nome", "sobrenome", "idade", "email"}},
      {"conta", {"id", "tipo", "data_criacao", "id_associado"}},
      {"cartao", {"id", "num_cartao", "nom_impresso", "data_criacao", "id_conta", "id_associado"}},
      {"movimento", {"id", "vlr_transacao", "des_transacao", "data_movimento", "id_cartao"}},
  };
  return kTables;
}

BulkLoadDdl MovimentoBulkLoadDdl() {
  BulkLoadDdl ddl;
  ddl.before.push_back("ALTER TABLE movimento DROP CONSTRAINT IF EXISTS " + ForeignKeyName("movimento", "id_cartao"));
  ddl.after.push_back("ALTER TABLE movimento ADD " + ForeignKey("movimento", "id_cartao", "cartao"));
  for (const auto& column : kMovimentoIndexed) {
    ddl.before.push_back("DROP INDEX IF EXISTS " + IndexName("movimento", column));
    ddl.after.push_back(PostgresIndex("movimento", column));
  }
  return ddl;
}

Status InitSchema(Connection& connection) {
  for (const std::string& statement : CreateStatements(connection.dialect())) {
    Status status = connection.Execute(statement);
    if (!status.ok()) return status.WithContext("creating the sicoop schema");
  }
  return Status::Ok();
}

Status CheckSchema(Connection& connection) {
  std::string schema = connection.dialect() == Dialect::kPostgres ? "current_schema()" : "DATABASE()";
  auto rows = connection.Query("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = " +
                               schema);
  if (!rows.ok()) return rows.status().WithContext("checking the sicoop schema");
  std::set<std::pair<std::string, std::string>> present;
  std::set<std::string> tables;
  for (const Row& row : *rows) {
    present.emplace(row[0].value_or(""), row[1].value_or(""));
    tables.insert(row[0].value_or(""));
  }
  const DbUrl& url = connection.url();
  std::string where = "database '" + url.database + "' at " + url.Endpoint();
  std::string fix = "run 'sicoop db init --db " + url.Redacted() + "' first";
  for (const TableDef& table : SourceSchema()) {
    if (!tables.count(table.name)) return Status::Failure(where + " has no table '" + table.name + "': " + fix);
    for (const std::string& column : table.columns) {
      if (!present.count({table.name, column})) {
        return Status::Failure("table '" + table.name + "' in " + where + " has no column '" + column +
                               "': it was not created by sicoop; drop it and " + fix);
      }
    }
  }
  return Status::Ok();
}

}  // namespace sicoop::db
