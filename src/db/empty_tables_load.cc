#include "db/empty_tables_load.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/numbers.h"
#include "db/schema.h"

namespace sicoop::db {
namespace {

constexpr const char* kChecksOff = "SET unique_checks = 0, foreign_key_checks = 0";
constexpr const char* kChecksOn = "SET unique_checks = 1, foreign_key_checks = 1";

// Tables whose primary key no foreign key references: theirs can be dropped and rebuilt too.
std::vector<const TableDesc*> UnreferencedTables() {
  std::set<std::string> parents;
  for (const ForeignKeyDef& fk : ForeignKeys()) parents.insert(fk.parent);
  std::vector<const TableDesc*> tables;
  for (const TableDesc& table : SourceSchema()) {
    if (!parents.count(table.name)) tables.push_back(&table);
  }
  return tables;
}

std::string PrimaryKeyName(const std::string& table) { return table + "_pkey"; }

Status ExecuteAll(Connection& connection, const std::vector<std::string>& statements, const std::string& what) {
  for (const std::string& statement : statements) {
    Status status = connection.Execute(statement);
    if (!status.ok()) return status.WithContext(what);
  }
  return Status::Ok();
}

// How many rows of fk.table reference a missing parent. Reads the distinct values of the child's
// index (a loose index scan), not every row.
Result<int64_t> DanglingReferences(Connection& connection, const ForeignKeyDef& fk) {
  std::string parent_key = "p." + fk.parent_key;
  SICOOP_ASSIGN_OR_RETURN(auto rows, connection.Query("SELECT COUNT(*) FROM (SELECT DISTINCT " + fk.column + " FROM " +
                                                      fk.table + ") d LEFT JOIN " + fk.parent + " p ON " + parent_key +
                                                      " = d." + fk.column + " WHERE " + parent_key + " IS NULL"));
  std::optional<int64_t> count;
  if (rows.size() == 1 && rows[0].size() == 1 && rows[0][0]) count = ParseInteger(*rows[0][0]);
  if (!count) return Status::Failure("the server did not answer the count of dangling references with one number");
  return *count;
}

}  // namespace

Status BeginEmptyTablesLoad(Connection& connection) {
  if (connection.dialect() == Dialect::kMysql) return connection.Execute(kChecksOff);
  std::vector<std::string> statements;
  for (const ForeignKeyDef& fk : ForeignKeys()) {
    statements.push_back("ALTER TABLE " + fk.table + " DROP CONSTRAINT IF EXISTS " + fk.name());
  }
  for (const IndexDef& index : SecondaryIndexes()) statements.push_back("DROP INDEX IF EXISTS " + index.name());
  for (const TableDesc* table : UnreferencedTables()) {
    statements.push_back("ALTER TABLE " + table->name + " DROP CONSTRAINT IF EXISTS " + PrimaryKeyName(table->name));
  }
  return ExecuteAll(connection, statements, "setting keys and indexes aside for the bulk load");
}

Status FinishEmptyTablesLoad(Connection& connection) {
  if (connection.dialect() == Dialect::kMysql) {
    SICOOP_RETURN_IF_ERROR(connection.Execute(kChecksOn));
    for (const ForeignKeyDef& fk : ForeignKeys()) {
      auto dangling = DanglingReferences(connection, fk);
      if (!dangling.ok()) return dangling.status().WithContext("verifying foreign key " + fk.name());
      if (*dangling != 0) {
        return Status::Failure("foreign key " + fk.name() + " broken: " + std::to_string(*dangling) + " " +
                               fk.column + " value(s) of " + fk.table + " match no " + fk.parent);
      }
    }
    return Status::Ok();
  }
  std::vector<std::string> statements;
  for (const TableDesc* table : UnreferencedTables()) {
    statements.push_back("ALTER TABLE " + table->name + " ADD CONSTRAINT " + PrimaryKeyName(table->name) +
                         " PRIMARY KEY (" + table->primary_key + ")");
  }
  for (const IndexDef& index : SecondaryIndexes()) {
    statements.push_back(CreateIndexStatement(index, Dialect::kPostgres));
  }
  for (const ForeignKeyDef& fk : ForeignKeys()) statements.push_back("ALTER TABLE " + fk.table + " ADD " + fk.clause());
  return ExecuteAll(connection, statements, "re-creating keys and indexes after the bulk load");
}

void AbandonEmptyTablesLoad(Connection& connection) {
  if (connection.dialect() == Dialect::kMysql) (void)connection.Execute(kChecksOn);
}

}  // namespace sicoop::db
