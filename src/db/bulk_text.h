// Writing rows in the bulk text format shared by PostgreSQL COPY (FORMAT text) and MySQL LOAD DATA
// (default options): '\t' between fields, '\n' after each row, \N for NULL, and a backslash before
// any '\\', '\t', '\n' or '\r' inside a value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sicoop::db {

// "(a, b, c)": the column list of a COPY or LOAD DATA statement.
std::string ColumnList(const std::vector<std::string>& columns);

// Appends `value` escaped. Callers add the separators.
void AppendText(std::string& out, std::string_view value);
void AppendNull(std::string& out);
void AppendInt(std::string& out, int64_t value);
// Appends an amount in cents as a decimal with two fraction digits: -5 -> "-0.05".
void AppendCents(std::string& out, int64_t cents);

}  // namespace sicoop::db
