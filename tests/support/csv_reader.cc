#include "support/csv_reader.h"

namespace sicoop::testing {

bool ParseCsv(const std::string& text, char delimiter, std::vector<CsvRow>& rows, std::string& error) {
  rows.clear();
  if (!text.empty() && text.back() != '\n') {
    error = "the file does not end with \\n";
    return false;
  }
  CsvRow row;
  std::string field;
  size_t i = 0;
  while (i < text.size()) {
    bool quoted = text[i] == '"';
    if (quoted) {
      ++i;
      while (true) {
        if (i >= text.size()) {
          error = "unterminated quoted field in row " + std::to_string(rows.size() + 1);
          return false;
        }
        if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
        } else if (text[i] == '"') {
          ++i;
          break;
        } else {
          field += text[i++];
        }
      }
      if (text[i] != delimiter && text[i] != '\n') {
        error = "text after a closing quote in row " + std::to_string(rows.size() + 1);
        return false;
      }
    } else {
      while (text[i] != delimiter && text[i] != '\n') {
        if (text[i] == '"' || text[i] == '\r') {
          error = "unquoted field holds a quote or CR in row " + std::to_string(rows.size() + 1);
          return false;
        }
        field += text[i++];
      }
    }
    row.push_back(field);
    field.clear();
    if (text[i++] == '\n') {
      rows.push_back(row);
      row.clear();
    }
  }
  return true;
}

}  // namespace sicoop::testing
