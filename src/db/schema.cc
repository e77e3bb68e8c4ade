#include "db/schema.h"

#include <set>
#include <utility>

namespace sicoop::db {
namespace {

std::string ColumnDefinition(const TableDesc& table, const ColumnDesc& column, Dialect dialect) {
  std::string text = column.name + " " + column.type.Sql(dialect);
  if (column.not_null) text += " NOT NULL";
  if (column.name == table.primary_key) text += " PRIMARY KEY";
  return text;
}

std::string CreateTableStatement(const TableDesc& table, Dialect dialect) {
  std::vector<std::string> items;
  for (const ColumnDesc& column : table.columns) items.push_back(ColumnDefinition(table, column, dialect));
  for (const ColumnDesc& column : table.columns) {
    if (column.check.empty()) continue;
    items.push_back("CONSTRAINT " + table.name + "_" + column.name + "_check CHECK (" + column.check + ")");
  }
  for (const ForeignKeyDef& fk : ForeignKeys()) {
    if (fk.table == table.name) items.push_back(fk.clause());
  }
  // MySQL has no CREATE INDEX IF NOT EXISTS: its indexes go inside CREATE TABLE, which is idempotent.
  bool pg = dialect == Dialect::kPostgres;
  for (const IndexDef& index : SecondaryIndexes()) {
    if (!pg && index.table == table.name) items.push_back("INDEX " + index.name() + " (" + index.column + ")");
  }
  std::string text = "CREATE TABLE IF NOT EXISTS " + table.name + " (\n  ";
  for (size_t i = 0; i < items.size(); ++i) text += (i == 0 ? "" : ",\n  ") + items[i];
  return text + ")" + (pg ? "" : " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
}

}  // namespace

std::string CreateIndexStatement(const IndexDef& index, Dialect dialect) {
  std::string if_not_exists = dialect == Dialect::kPostgres ? "IF NOT EXISTS " : "";
  return "CREATE INDEX " + if_not_exists + index.name() + " ON " + index.table + " (" + index.column + ")";
}

std::vector<std::string> CreateStatements(Dialect dialect) {
  std::vector<std::string> statements;
  for (const TableDesc& table : SourceSchema()) statements.push_back(CreateTableStatement(table, dialect));
  if (dialect == Dialect::kPostgres) {
    for (const IndexDef& index : SecondaryIndexes()) statements.push_back(CreateIndexStatement(index, dialect));
  }
  return statements;
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
  for (const TableDesc& table : SourceSchema()) {
    if (!tables.count(table.name)) return Status::Failure(where + " has no table '" + table.name + "': " + fix);
    for (const ColumnDesc& column : table.columns) {
      if (!present.count({table.name, column.name})) {
        return Status::Failure("table '" + table.name + "' in " + where + " has no column '" + column.name +
                               "': it was not created by sicoop; drop it and " + fix);
      }
    }
  }
  return Status::Ok();
}

}  // namespace sicoop::db
