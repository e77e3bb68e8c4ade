#include "db/tables.h"

namespace sicoop::db {

std::string ColumnType::Sql(Dialect dialect) const {
  bool pg = dialect == Dialect::kPostgres;
  switch (kind) {
    case Kind::kInt:
      return "INTEGER";
    case Kind::kBigInt:
      return "BIGINT";
    case Kind::kDecimal12_2:
      return pg ? "NUMERIC(12,2)" : "DECIMAL(12,2)";
    case Kind::kVarchar:
      return "VARCHAR(" + std::to_string(length) + ")";
    case Kind::kTimestamp:
      return pg ? "TIMESTAMP WITHOUT TIME ZONE" : "DATETIME";
  }
  return "";
}

std::vector<std::string> TableDesc::ColumnNames() const {
  std::vector<std::string> names;
  for (const ColumnDesc& column : columns) names.push_back(column.name);
  return names;
}

const std::array<TableDesc, 4>& SourceSchema() {
  static const std::array<TableDesc, 4> kTables = {
      TableDesc{.name = "associado",
                .columns = {{"id", kInt},
                            {"nome", Varchar(100)},
                            {"sobrenome", Varchar(100)},
                            {"idade", kInt},
                            {.name = "email", .type = Varchar(255), .not_null = false}},
                .primary_key = "id"},
      TableDesc{.name = "conta",
                .columns = {{"id", kInt},
                            {.name = "tipo", .type = Varchar(2), .check = "tipo IN ('CC', 'CP')"},
                            {"data_criacao", kTimestamp},
                            {.name = "id_associado", .type = kInt, .parent = "associado"}},
                .primary_key = "id"},
      TableDesc{.name = "cartao",
                .columns = {{"id", kInt},
                            {"num_cartao", Varchar(19)},
                            {"nom_impresso", Varchar(100)},
                            {"data_criacao", kTimestamp},
                            {.name = "id_conta", .type = kInt, .parent = "conta"},
                            {.name = "id_associado", .type = kInt, .parent = "associado"}},
                .primary_key = "id"},
      TableDesc{.name = "movimento",
                .columns = {{"id", kBigInt},
                            {"vlr_transacao", kDecimal12_2},
                            {"des_transacao", Varchar(255)},
                            {"data_movimento", kTimestamp},
                            {.name = "id_cartao", .type = kInt, .parent = "cartao"}},
                .primary_key = "id",
                .time_column = "data_movimento"},
  };
  return kTables;
}

const TableDesc& Associado() { return SourceSchema()[0]; }
const TableDesc& Conta() { return SourceSchema()[1]; }
const TableDesc& Cartao() { return SourceSchema()[2]; }
const TableDesc& Movimento() { return SourceSchema()[3]; }

const TableDesc& MovimentoAnomalia() {
  static const TableDesc kTable{
      .name = "movimento_anomalia",
      .columns = {{.name = "id_movimento", .type = kBigInt, .parent = "movimento"},
                  {"id_cartao", kInt},
                  {.name = "tipo",
                   .type = Varchar(32),
                   .check = "tipo IN ('card_testing', 'cidades_distantes', 'hora_valor_incomum')"}},
      .primary_key = "id_movimento"};
  return kTable;
}

std::string ForeignKeyDef::name() const { return table + "_" + column + "_fk"; }

std::string ForeignKeyDef::clause() const {
  return "CONSTRAINT " + name() + " FOREIGN KEY (" + column + ") REFERENCES " + parent + " (" + parent_key + ")";
}

std::string IndexDef::name() const { return table + "_" + column + "_idx"; }

std::vector<ForeignKeyDef> ForeignKeysOf(const TableDesc& table) {
  std::vector<ForeignKeyDef> keys;
  for (const ColumnDesc& column : table.columns) {
    if (column.parent.empty()) continue;
    for (const TableDesc& parent : SourceSchema()) {
      if (parent.name == column.parent) keys.push_back({table.name, column.name, parent.name, parent.primary_key});
    }
  }
  return keys;
}

const std::vector<ForeignKeyDef>& ForeignKeys() {
  static const std::vector<ForeignKeyDef> kForeignKeys = [] {
    std::vector<ForeignKeyDef> keys;
    for (const TableDesc& table : SourceSchema()) {
      for (ForeignKeyDef& key : ForeignKeysOf(table)) keys.push_back(std::move(key));
    }
    return keys;
  }();
  return kForeignKeys;
}

const std::vector<IndexDef>& SecondaryIndexes() {
  static const std::vector<IndexDef> kIndexes = [] {
    std::vector<IndexDef> indexes;
    for (const ForeignKeyDef& fk : ForeignKeys()) indexes.push_back({fk.table, fk.column});
    // Serves the ETL's time-slice reads (one per Spark partition; without it every slice scans the
    // whole table).
    for (const TableDesc& table : SourceSchema()) {
      if (table.is_fact()) indexes.push_back({table.name, table.time_column});
    }
    return indexes;
  }();
  return kIndexes;
}

}  // namespace sicoop::db
