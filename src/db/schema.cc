#include "db/schema.h"

#include <set>
#include <utility>

namespace sicoop::db {
namespace {

// Column types are written once, with the two dialects' spellings side by side.
std::string Timestamp(Dialect d) { return d == Dialect::kPostgres ? "TIMESTAMP WITHOUT TIME ZONE" : "DATETIME"; }

}  // namespace

std::string IndexDef::name() const { return table + "_" + column + "_idx"; }

std::string ForeignKeyDef::name() const { return table + "_" + column + "_fk"; }

std::string ForeignKeyDef::clause() const {
  return "CONSTRAINT " + name() + " FOREIGN KEY (" + column + ") REFERENCES " + parent + " (id)";
}

const std::vector<ForeignKeyDef>& ForeignKeys() {
  static const std::vector<ForeignKeyDef> kForeignKeys = {
      {"conta", "id_associado", "associado"},
      {"cartao", "id_conta", "conta"},
      {"cartao", "id_associado", "associado"},
      {"movimento", "id_cartao", "cartao"},
  };
  return kForeignKeys;
}

const std::vector<IndexDef>& SecondaryIndexes() {
  static const std::vector<IndexDef> kIndexes = [] {
    std::vector<IndexDef> indexes;
    for (const ForeignKeyDef& fk : ForeignKeys()) indexes.push_back({fk.table, fk.column});
    // Serves the ETL's time-slice reads (one per Spark partition; without it every slice scans the
    // whole table).
    indexes.push_back({"movimento", "data_movimento"});
    return indexes;
  }();
  return kIndexes;
}

std::string CreateIndexStatement(const IndexDef& index, Dialect dialect) {
  std::string if_not_exists = dialect == Dialect::kPostgres ? "IF NOT EXISTS " : "";
  return "CREATE INDEX " + if_not_exists + index.name() + " ON " + index.table + " (" + index.column + ")";
}

namespace {

std::vector<std::string> CreateStatements(Dialect d) {
  bool pg = d == Dialect::kPostgres;
  // Foreign keys, and on MySQL the secondary indexes too, go inside CREATE TABLE (idempotent with
  // IF NOT EXISTS); PostgreSQL needs separate CREATE INDEX IF NOT EXISTS statements.
  auto constraints = [pg](const std::string& table) {
    std::string text;
    for (const ForeignKeyDef& fk : ForeignKeys()) {
      if (fk.table == table) text += ",\n  " + fk.clause();
    }
    for (const IndexDef& index : SecondaryIndexes()) {
      if (!pg && index.table == table) text += ",\n  INDEX " + index.name() + " (" + index.column + ")";
    }
    return text;
  };
  std::string table_options = pg ? "" : " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

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
      "  CONSTRAINT conta_tipo_check CHECK (tipo IN ('CC', 'CP'))" + constraints("conta") + ")" + table_options,
      "CREATE TABLE IF NOT EXISTS cartao (\n"
      "  id INTEGER NOT NULL PRIMARY KEY,\n"
      "  num_cartao VARCHAR(19) NOT NULL,\n"
      "  nom_impresso VARCHAR(100) NOT NULL,\n"
      "  data_criacao " + Timestamp(d) + " NOT NULL,\n"
      "  id_conta INTEGER NOT NULL,\n"
      "  id_associado INTEGER NOT NULL" + constraints("cartao") + ")" + table_options,
      "CREATE TABLE IF NOT EXISTS movimento (\n"
      "  id BIGINT NOT NULL PRIMARY KEY,\n"
      "  vlr_transacao " + std::string(pg ? "NUMERIC(12,2)" : "DECIMAL(12,2)") + " NOT NULL,\n"
      "  des_transacao VARCHAR(255) NOT NULL,\n"
      "  data_movimento " + Timestamp(d) + " NOT NULL,\n"
      "  id_cartao INTEGER NOT NULL" + constraints("movimento") + ")" + table_options,
  };
  if (pg) {
    for (const IndexDef& index : SecondaryIndexes()) statements.push_back(CreateIndexStatement(index, d));
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

namespace {

// MySQL has no CREATE INDEX IF NOT EXISTS, and CREATE TABLE IF NOT EXISTS leaves an existing table as
// it is: an index added to the schema later is created here when a table lacks it.
Status CreateMissingMysqlIndexes(Connection& connection) {
  SICOOP_ASSIGN_OR_RETURN(auto rows, connection.Query("SELECT DISTINCT table_name, index_name FROM "
                                                      "information_schema.statistics WHERE table_schema = DATABASE()"));
  std::set<std::pair<std::string, std::string>> present;
  for (const Row& row : rows) present.emplace(row[0].value_or(""), row[1].value_or(""));
  for (const IndexDef& index : SecondaryIndexes()) {
    if (present.count({index.table, index.name()})) continue;
    SICOOP_RETURN_IF_ERROR(connection.Execute(CreateIndexStatement(index, Dialect::kMysql)));
  }
  return Status::Ok();
}

}  // namespace

Status InitSchema(Connection& connection) {
  for (const std::string& statement : CreateStatements(connection.dialect())) {
    Status status = connection.Execute(statement);
    if (!status.ok()) return status.WithContext("creating the sicoop schema");
  }
  if (connection.dialect() == Dialect::kMysql) {
    Status indexes = CreateMissingMysqlIndexes(connection);
    if (!indexes.ok()) return indexes.WithContext("creating the sicoop schema's indexes");
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
