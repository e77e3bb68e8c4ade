#include "pipeline/source_tables.h"

#include <map>

namespace sicoop::pipeline {

std::string WallClockSql(db::Dialect dialect, const std::string& column) {
  if (dialect == db::Dialect::kPostgres) return "to_char(" + column + ", 'YYYY-MM-DD HH24:MI:SS')";
  return "DATE_FORMAT(" + column + ", '%Y-%m-%d %H:%i:%s')";
}

const std::vector<SourceTable>& SourceTables() {
  static const std::vector<SourceTable> kTables = {
      {"associado", "id", ""},
      {"conta", "id", ""},
      {"cartao", "id", ""},
      {"movimento", "id", "data_movimento"},
  };
  return kTables;
}

std::string ExtractSubquery(db::Dialect dialect, const SourceTable& table) {
  auto text = [dialect](const std::string& column) {
    return WallClockSql(dialect, column) + " AS " + column;
  };
  // Only the columns the flat view uses; amounts stay DECIMAL(12,2) and are rendered by Spark.
  const std::map<std::string, std::string> columns = {
      {"associado", "id, nome, sobrenome, idade"},
      {"conta", "id, tipo, " + text("data_criacao") + ", id_associado"},
      {"cartao", "id, num_cartao, nom_impresso, " + text("data_criacao") + ", id_conta"},
      {"movimento", "id, vlr_transacao, des_transacao, " + text("data_movimento") + ", id_cartao"},
  };
  std::string select = columns.at(table.name);
  if (table.is_fact()) select += ", " + table.time_column + " AS " + table.raw_time_column();
  return "(SELECT " + select + " FROM " + table.name + ") AS " + table.name + "_src";
}

}  // namespace sicoop::pipeline
