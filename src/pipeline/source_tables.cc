#include "pipeline/source_tables.h"

#include <map>

namespace sicoop::pipeline {
namespace {

std::string WallClockText(db::Dialect dialect, const std::string& column) {
  if (dialect == db::Dialect::kPostgres) {
    return "to_char(" + column + ", 'YYYY-MM-DD HH24:MI:SS') AS " + column;
  }
  return "DATE_FORMAT(" + column + ", '%Y-%m-%d %H:%i:%s') AS " + column;
}

}  // namespace

const std::vector<SourceTable>& SourceTables() {
  static const std::vector<SourceTable> kTables = {
      {"associado", "id", false},
      {"conta", "id", false},
      {"cartao", "id", false},
      {"movimento", "id", true},
  };
  return kTables;
}

std::string ExtractSubquery(db::Dialect dialect, const SourceTable& table) {
  // Only the columns the flat view uses; amounts stay DECIMAL(12,2) and are rendered by Spark.
  const std::map<std::string, std::string> columns = {
      {"associado", "id, nome, sobrenome, idade"},
      {"conta", "id, tipo, " + WallClockText(dialect, "data_criacao") + ", id_associado"},
      {"cartao", "id, num_cartao, nom_impresso, " + WallClockText(dialect, "data_criacao") +
                     ", id_conta"},
      {"movimento", "id, vlr_transacao, des_transacao, " +
                        WallClockText(dialect, "data_movimento") + ", id_cartao"},
  };
  return "(SELECT " + columns.at(table.name) + " FROM " + table.name + ") AS " + table.name + "_src";
}

}  // namespace sicoop::pipeline
