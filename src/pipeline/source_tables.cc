#include "pipeline/source_tables.h"

#include "pipeline/flat_view.h"

namespace sicoop::pipeline {

std::string WallClockSql(db::Dialect dialect, const std::string& column) {
  if (dialect == db::Dialect::kPostgres) return "to_char(" + column + ", 'YYYY-MM-DD HH24:MI:SS')";
  return "DATE_FORMAT(" + column + ", '%Y-%m-%d %H:%i:%s')";
}

const std::array<SourceTable, 4>& SourceTables() { return db::SourceSchema(); }

std::string RawTimeColumn(const SourceTable& table) { return table.time_column + "_raw"; }

std::string ExtractSubquery(db::Dialect dialect, const SourceTable& table, const std::string& condition) {
  std::string select;
  for (const db::ColumnDesc& column : table.columns) {
    if (!FlatViewReads(table, column.name)) continue;
    if (!select.empty()) select += ", ";
    bool timestamp = column.type.kind == db::ColumnType::Kind::kTimestamp;
    select += timestamp ? WallClockSql(dialect, column.name) + " AS " + column.name : column.name;
  }
  if (table.is_fact()) select += ", " + table.time_column + " AS " + RawTimeColumn(table);
  std::string where = condition.empty() ? "" : " WHERE " + condition;
  return "(SELECT " + select + " FROM " + table.name + where + ") AS " + table.name + "_src";
}

}  // namespace sicoop::pipeline
