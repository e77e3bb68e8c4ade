#include "db/bulk_text.h"

namespace sicoop::db {

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string list = "(";
  for (size_t i = 0; i < columns.size(); ++i) list += (i ? ", " : "") + columns[i];
  return list + ")";
}

void AppendText(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

void AppendNull(std::string& out) { out += "\\N"; }

void AppendInt(std::string& out, int64_t value) {
  char buf[24];
  int n = 0;
  uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  do {
    buf[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (value < 0) out += '-';
  while (n > 0) out += buf[--n];
}

void AppendCents(std::string& out, int64_t cents) {
  uint64_t magnitude = cents < 0 ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  if (cents < 0) out += '-';
  AppendInt(out, static_cast<int64_t>(magnitude / 100));
  out += '.';
  out += static_cast<char>('0' + magnitude % 100 / 10);
  out += static_cast<char>('0' + magnitude % 10);
}

}  // namespace sicoop::db
