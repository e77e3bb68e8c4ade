// The flat view of docs/output-contract.md as Spark SQL over the temp views of the source tables: one row per
// movimento whose cartão, conta and associado exist, columns in the contract's order, ordered by
// data_movimento then movimento id provided that the movimento view's partitions are consecutive
// time slices (extract.h).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "db/tables.h"

namespace sicoop::pipeline {

enum class CardNumberMode { kMasked, kFull };

// How a flat view column turns its source column into CSV text.
enum class Rendering {
  kAsRead,       // as the extraction reads it (timestamps arrive as wall-clock text already)
  kAmount,       // a DECIMAL(12,2) amount as plain text with two decimals after the decimal mark
  kCardNumber,   // masked or in full, as CardNumberMode says
};

// One output column of the flat view: its name in the header and where its value comes from.
struct FlatViewColumn {
  std::string name;
  const db::TableDesc& table;
  std::string column;
  Rendering rendering;
};

// The output columns, in the contract's order.
const std::vector<FlatViewColumn>& FlatViewColumns();

// Whether the flat view reads `column` of `table`: its primary key, a column it outputs, joins on or
// sorts by.
bool FlatViewReads(const db::TableDesc& table, const std::string& column);

// The header line: the column names joined by `delimiter`.
std::string FlatViewHeader(char delimiter);

// The Spark SQL expression that masks `column` (every character but the last four becomes '*').
std::string MaskedCardNumberSql(const std::string& column);

// `text` (a Spark SQL expression of a text column) made safe to open in a spreadsheet, as OWASP
// advises against CSV formula injection: a value starting with '=', '+', '-', '@', tab or carriage
// return gets a leading "'", so that no spreadsheet runs it as a formula. Other values and NULL
// stay as they are.
std::string SpreadsheetSafeSql(const std::string& text);

// The Spark SQL query of the flat view, each partition sorted by data_movimento then id. With
// `spreadsheet_safe`, every text column (not the amount, whose '-' is a sign, nor the age and
// timestamps, which start with a digit) goes through SpreadsheetSafeSql. `decimal_mark` ('.' or ',')
// separates the amount's cents; no thousands separator either way.
std::string FlatViewSql(CardNumberMode mode, bool spreadsheet_safe = false, char decimal_mark = '.');

// The flat view's join: "<movimento> m JOIN <cartao> c ON m.id_cartao = c.id JOIN <conta> co ON
// c.id_conta = co.id JOIN <associado> a ON co.id_associado = a.id", each table under the name
// `name_of` gives it (the temp views of the extraction, the lake's raw tables), `join` the kind
// ("JOIN", "LEFT JOIN").
std::string FlatViewJoinSql(const std::function<std::string(const db::TableDesc&)>& name_of,
                            const std::string& join = "JOIN");

// The alias of `table` in FlatViewJoinSql: m, c, co, a.
std::string FlatViewAlias(const db::TableDesc& table);

// The flat view's CSV columns read from `table`, a table that holds them typed under their output
// names (amounts as decimals, timestamps as TIMESTAMP_NTZ, card numbers already masked) beside the
// movimento id `id_column`: rendered as FlatViewSql renders them, and sorted as the file is, by
// data_movimento to the second and then id, across the partitions (a total order).
// `time_ranges` are conditions on data_movimento that put every row in exactly one range, in file
// order. Each range is read as one Spark partition and sorted within it, so the order needs no
// shuffle; with none, one global sort (a sampling pass and a range shuffle of every row) orders it.
std::string FlatViewOfTableSql(const std::string& table, const std::string& id_column,
                               const std::vector<std::string>& time_ranges = {}, bool spreadsheet_safe = false,
                               char decimal_mark = '.');

}  // namespace sicoop::pipeline
