#include "db/schema.h"

#include <initializer_list>
#include <map>
#include <set>
#include <utility>

#include "common/numbers.h"

namespace sicoop::db {
namespace {

std::string ColumnDefinition(const TableDesc& table, const ColumnDesc& column, Dialect dialect) {
  std::string text = column.name + " " + column.type.Sql(dialect);
  if (column.not_null) text += " NOT NULL";
  if (column.name == table.primary_key) text += " PRIMARY KEY";
  return text;
}

}  // namespace

std::string CreateTableStatement(const TableDesc& table, Dialect dialect) {
  std::vector<std::string> items;
  for (const ColumnDesc& column : table.columns) items.push_back(ColumnDefinition(table, column, dialect));
  for (const ColumnDesc& column : table.columns) {
    if (column.check.empty()) continue;
    items.push_back("CONSTRAINT " + table.name + "_" + column.name + "_check CHECK (" + column.check + ")");
  }
  for (const ForeignKeyDef& fk : ForeignKeysOf(table)) items.push_back(fk.clause());
  // MySQL has no CREATE INDEX IF NOT EXISTS: its indexes go inside CREATE TABLE, which is idempotent.
  bool pg = dialect == Dialect::kPostgres;
  for (const IndexDef& index : SecondaryIndexes()) {
    if (!pg && index.table == table.name) items.push_back("INDEX " + index.name() + " (" + index.column + ")");
  }
  std::string text = "CREATE TABLE IF NOT EXISTS " + table.name + " (\n  ";
  for (size_t i = 0; i < items.size(); ++i) text += (i == 0 ? "" : ",\n  ") + items[i];
  return text + ")" + (pg ? "" : " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");
}

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
  // PostgreSQL sends a NOTICE for each CREATE ... IF NOT EXISTS that finds its object, which libpq
  // prints: on a re-run, a line per statement that tells the user nothing.
  if (connection.dialect() == Dialect::kPostgres) {
    Status quiet = connection.Execute("SET client_min_messages = warning");
    if (!quiet.ok()) return quiet.WithContext("creating the sicoop schema");
  }
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

namespace {

std::optional<int64_t> ParseOptionalInteger(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return ParseInteger(*text);
}

bool OneOf(const std::string& value, std::initializer_list<const char*> choices) {
  for (const char* choice : choices) {
    if (value == choice) return true;
  }
  return false;
}

// The family a declared type belongs to, as a message names it.
const char* ExpectedFamily(ColumnType::Kind kind) {
  switch (kind) {
    case ColumnType::Kind::kInt:
    case ColumnType::Kind::kBigInt:
      return "an integer type (SMALLINT, INTEGER, BIGINT)";
    case ColumnType::Kind::kDecimal12_2:
      return "a decimal with at most 2 fraction digits (NUMERIC(12,2) or DECIMAL(p,s), s <= 2, p <= 38)";
    case ColumnType::Kind::kVarchar:
      return "a text type (VARCHAR, CHAR or TEXT)";
    case ColumnType::Kind::kTimestamp:
      return "a timestamp without time zone (PostgreSQL TIMESTAMP, MySQL DATETIME)";
  }
  return "";
}

// Empty when `found` belongs to the family of `kind`; else why not, when there is more to say than
// the expected family.
std::optional<std::string> FamilyMismatch(ColumnType::Kind kind, const FoundType& found) {
  const std::string& type = found.data_type;
  switch (kind) {
    case ColumnType::Kind::kInt:
    case ColumnType::Kind::kBigInt:
      if (type == "tinyint" && found.column_type.rfind("tinyint(1)", 0) == 0) {
        return std::string("MySQL's JDBC driver reads TINYINT(1) as a boolean");
      }
      if (OneOf(type, {"smallint", "integer", "bigint", "tinyint", "mediumint", "int"})) return std::nullopt;
      return "";
    case ColumnType::Kind::kDecimal12_2:
      if (!OneOf(type, {"numeric", "decimal"})) return "";
      if (!found.precision || !found.scale) return std::string("an unconstrained NUMERIC may hold any number of fraction digits");
      if (*found.scale > 2) return std::string("its extra fraction digits would be rounded away");
      if (*found.precision > 38) return std::string("Spark reads at most 38 digits");
      return std::nullopt;
    case ColumnType::Kind::kVarchar:
      if (OneOf(type, {"character varying", "character", "text", "varchar", "char", "tinytext", "mediumtext",
                       "longtext", "enum"})) {
        return std::nullopt;
      }
      if (OneOf(type, {"bytea", "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"})) {
        return std::string("Spark reads a binary type as bytes, not text");
      }
      return "";
    case ColumnType::Kind::kTimestamp:
      if (OneOf(type, {"timestamp without time zone", "datetime"})) return std::nullopt;
      if (OneOf(type, {"timestamp with time zone", "timestamp"})) {
        return std::string("it holds an instant, whose wall-clock text depends on a session's time zone");
      }
      return "";
  }
  return "";
}

}  // namespace

std::string FoundType::Text() const {
  if (!column_type.empty()) return column_type;
  if (length) return data_type + "(" + std::to_string(*length) + ")";
  if (OneOf(data_type, {"numeric", "decimal"}) && precision && scale) {
    return data_type + "(" + std::to_string(*precision) + "," + std::to_string(*scale) + ")";
  }
  return data_type;
}

std::string TypeMismatch(const ColumnType& expected, const FoundType& found) {
  std::optional<std::string> why = FamilyMismatch(expected.kind, found);
  if (!why) return "";
  return found.Text() + " where sicoop expects " + ExpectedFamily(expected.kind) + (why->empty() ? "" : ": " + *why);
}

Result<std::vector<FoundColumn>> ReadColumns(Connection& connection) {
  bool pg = connection.dialect() == Dialect::kPostgres;
  auto rows = connection.Query(std::string("SELECT table_name, column_name, LOWER(data_type), ") +
                               (pg ? "''" : "LOWER(column_type)") +
                               ", character_maximum_length, numeric_precision, numeric_scale "
                               "FROM information_schema.columns WHERE table_schema = " +
                               (pg ? "current_schema()" : "DATABASE()") + " ORDER BY table_name, ordinal_position");
  if (!rows.ok()) return rows.status().WithContext("reading the columns of the tables of " + connection.Describe());
  std::vector<FoundColumn> columns;
  for (const Row& row : *rows) {
    if (row.size() < 7) return Status::Failure("unexpected answer to the schema query of " + connection.Describe());
    columns.push_back({row[0].value_or(""), row[1].value_or(""),
                       FoundType{row[2].value_or(""), row[3].value_or(""), ParseOptionalInteger(row[4]),
                                 ParseOptionalInteger(row[5]), ParseOptionalInteger(row[6])}});
  }
  return columns;
}

Result<bool> TableExists(Connection& connection, const std::string& table) {
  bool pg = connection.dialect() == Dialect::kPostgres;
  auto rows = connection.Query(std::string("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ") +
                               (pg ? "current_schema()" : "DATABASE()") + " AND table_name = '" + table + "'");
  if (!rows.ok()) return rows.status().WithContext("looking for table " + table + " in " + connection.Describe());
  return rows->size() == 1 && !rows->front().empty() && rows->front()[0].value_or("0") != "0";
}

Status CheckSchema(Connection& connection) {
  auto columns = ReadColumns(connection);
  if (!columns.ok()) return columns.status().WithContext("checking the sicoop schema");
  std::map<std::pair<std::string, std::string>, FoundType> present;
  std::set<std::string> tables;
  for (FoundColumn& column : *columns) {
    tables.insert(column.table);
    present.emplace(std::pair(column.table, column.name), std::move(column.type));
  }
  const DbUrl& url = connection.url();
  std::string where = "database '" + url.database + "' at " + url.Endpoint();
  // Without the password, not "***": a pasted hint must not send asterisks as the password.
  DbUrl without_password = url;
  without_password.password.clear();
  std::string fix = "run 'sicoop db init --db " + without_password.Redacted() + "' first" +
                    (url.password.empty() ? "" : ", with the password given as for this run");
  std::vector<std::string> wrong_types;
  for (const TableDesc& table : SourceSchema()) {
    if (!tables.count(table.name)) return Status::Failure(where + " has no table '" + table.name + "': " + fix);
    for (const ColumnDesc& column : table.columns) {
      auto found = present.find({table.name, column.name});
      if (found == present.end()) {
        return Status::Failure("table '" + table.name + "' in " + where + " has no column '" + column.name +
                               "': it was not created by sicoop; drop it and " + fix);
      }
      std::string mismatch = TypeMismatch(column.type, found->second);
      if (!mismatch.empty()) wrong_types.push_back(table.name + "." + column.name + " is " + mismatch);
    }
  }
  if (wrong_types.empty()) return Status::Ok();
  std::string list;
  for (const std::string& wrong : wrong_types) list += (list.empty() ? "" : "; ") + wrong;
  return Status::Failure("in " + where + ", " + list + " — change " + (wrong_types.size() == 1 ? "that column" : "those columns") +
                         " to the type of docs/source-schema.md, or point --db at a database made by 'sicoop db init'");
}

}  // namespace sicoop::db
