// A strict RFC 4180 reader for checking what sicoop wrote: it fails on anything the contract
// forbids (a quote inside an unquoted field, text after a closing quote, a missing final newline).
#pragma once

#include <string>
#include <vector>

namespace sicoop::testing {

using CsvRow = std::vector<std::string>;

// Parses `text`; on malformed input returns false and says where in `error`.
bool ParseCsv(const std::string& text, char delimiter, std::vector<CsvRow>& rows, std::string& error);

}  // namespace sicoop::testing
