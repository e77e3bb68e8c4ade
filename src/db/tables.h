// The one description of the source tables of docs/source-schema.md: associado, conta, cartao, movimento. The DDL
// (schema.h), the bulk loads (empty_tables_load.h, the seed loader) and the ETL's extraction
// (pipeline/source_tables.h) are all generated from it, so a column is added here and nowhere else.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "db/db_url.h"

namespace sicoop::db {

// A column's type, with its PostgreSQL and MySQL spellings derived from it.
struct ColumnType {
  enum class Kind { kInt, kBigInt, kDecimal12_2, kVarchar, kTimestamp };
  Kind kind;
  int length = 0;  // kVarchar's maximum length in characters

  std::string Sql(Dialect dialect) const;
};
inline constexpr ColumnType kInt{ColumnType::Kind::kInt};
inline constexpr ColumnType kBigInt{ColumnType::Kind::kBigInt};
inline constexpr ColumnType kDecimal12_2{ColumnType::Kind::kDecimal12_2};
inline constexpr ColumnType kTimestamp{ColumnType::Kind::kTimestamp};  // a wall-clock time, no zone
constexpr ColumnType Varchar(int length) { return {ColumnType::Kind::kVarchar, length}; }

struct ColumnDesc {
  std::string name;
  ColumnType type;
  bool not_null = true;
  // A CHECK condition on the column, e.g. "tipo IN ('CC', 'CP')", named "<table>_<column>_check";
  // empty for none.
  std::string check = {};
  // The table whose primary key this column references (a foreign key); empty for none.
  std::string parent = {};
};

struct TableDesc {
  std::string name;
  std::vector<ColumnDesc> columns;  // in creation order, which is also the bulk-load field order
  std::string primary_key;          // a single integer column
  // The time column of the big table of events, the one the ETL slices its reads on; empty for the
  // small dimension tables.
  std::string time_column = {};

  bool is_fact() const { return !time_column.empty(); }
  std::vector<std::string> ColumnNames() const;
};

// The four tables, parents before children (the order to create and to load them in).
const std::array<TableDesc, 4>& SourceSchema();
const TableDesc& Associado();
const TableDesc& Conta();
const TableDesc& Cartao();
const TableDesc& Movimento();

// The labels of the anomalies the seed injects (`sicoop db seed --anomalies`): a table of its own
// beside the four, created only by a seed that injects them, never read by the ETL's join nor
// required by CheckSchema. movimento_anomalia (id_movimento BIGINT PK -> movimento, id_cartao INT,
// tipo VARCHAR(32): card_testing | cidades_distantes | hora_valor_incomum).
const TableDesc& MovimentoAnomalia();

// The foreign keys of every table, from the columns that name a parent.
struct ForeignKeyDef {
  std::string table, column, parent, parent_key;
  std::string name() const;    // "<table>_<column>_fk"
  std::string clause() const;  // "CONSTRAINT <name> FOREIGN KEY (<column>) REFERENCES <parent> (<parent_key>)"
};
const std::vector<ForeignKeyDef>& ForeignKeys();
// The foreign keys of one table (of the four or another), whose parents are among the four.
std::vector<ForeignKeyDef> ForeignKeysOf(const TableDesc& table);

// The secondary indexes: one on every foreign-key column, and one on each time column.
struct IndexDef {
  std::string table, column;
  std::string name() const;  // "<table>_<column>_idx"
};
const std::vector<IndexDef>& SecondaryIndexes();

}  // namespace sicoop::db
