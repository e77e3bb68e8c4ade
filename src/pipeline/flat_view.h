// The flat view of SPEC §4 as Spark SQL over the temp views of the source tables: one row per
// movimento whose cartão, conta and associado exist, columns in the contract's order, ordered by
// data_movimento then movimento id provided that the movimento view's partitions are consecutive
// time slices (extract.h).
#pragma once

#include <string>
#include <vector>

namespace sicoop::pipeline {

enum class CardNumberMode { kMasked, kFull };

// The header line's column names, in order.
const std::vector<std::string>& FlatViewColumns();

// The header line: the column names joined by `delimiter`.
std::string FlatViewHeader(char delimiter);

// The Spark SQL expression that masks `column` (every character but the last four becomes '*').
std::string MaskedCardNumberSql(const std::string& column);

// The Spark SQL query of the flat view, each partition sorted by data_movimento then id.
std::string FlatViewSql(CardNumberMode mode);

}  // namespace sicoop::pipeline
