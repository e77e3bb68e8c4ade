#include "db/bulk_rows.h"

#include <utility>

#include "common/calendar.h"

namespace sicoop::db {
namespace {

// PostgreSQL timestamps count microseconds from 2000-01-01 00:00:00.
constexpr int64_t kPostgresEpoch = 946'684'800;  // 2000-01-01 in wall-clock seconds
constexpr int16_t kNumericNegative = 0x4000;

void AppendEscaped(std::string& out, std::string_view value) {
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

void AppendDecimal(std::string& out, uint64_t magnitude) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  while (n > 0) out += buf[--n];
}

uint64_t Magnitude(int64_t value) { return value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value); }

}  // namespace

BulkFormat BulkFormatFor(Dialect dialect) {
  return dialect == Dialect::kPostgres ? BulkFormat::kPostgresBinary : BulkFormat::kText;
}

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string list = "(";
  for (size_t i = 0; i < columns.size(); ++i) list += (i ? ", " : "") + columns[i];
  return list + ")";
}

std::string_view PostgresBinaryHeader() {
  // Signature, then a 32-bit flags field and a 32-bit header-extension length, both zero.
  static constexpr char kHeader[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
  return {kHeader, sizeof kHeader - 1};
}

std::string_view PostgresBinaryTrailer() { return {"\377\377", 2}; }

BulkRowWriter::BulkRowWriter(BulkFormat format, int fields, std::string& out)
    : format_(format), fields_(fields), out_(out) {}

void BulkRowWriter::StartField() {
  if (format_ == BulkFormat::kText) {
    if (row_started_) out_ += '\t';
  } else if (!row_started_) {
    Put16(static_cast<int16_t>(fields_));
  }
  row_started_ = true;
}

void BulkRowWriter::Put16(int16_t value) {
  auto v = static_cast<uint16_t>(value);
  out_ += static_cast<char>(v >> 8);
  out_ += static_cast<char>(v);
}

void BulkRowWriter::Put32(int32_t value) {
  auto v = static_cast<uint32_t>(value);
  for (int shift = 24; shift >= 0; shift -= 8) out_ += static_cast<char>(v >> shift);
}

void BulkRowWriter::Put64(int64_t value) {
  auto v = static_cast<uint64_t>(value);
  for (int shift = 56; shift >= 0; shift -= 8) out_ += static_cast<char>(v >> shift);
}

void BulkRowWriter::Integer(int32_t value) { WholeNumber(value, 4); }

void BulkRowWriter::BigInt(int64_t value) { WholeNumber(value, 8); }

void BulkRowWriter::WholeNumber(int64_t value, int bytes) {
  StartField();
  if (format_ == BulkFormat::kText) {
    if (value < 0) out_ += '-';
    AppendDecimal(out_, Magnitude(value));
  } else if (bytes == 4) {
    Put32(4);
    Put32(static_cast<int32_t>(value));
  } else {
    Put32(8);
    Put64(value);
  }
}

void BulkRowWriter::Cents(int64_t cents) {
  StartField();
  uint64_t magnitude = Magnitude(cents);
  if (format_ == BulkFormat::kText) {
    if (cents < 0) out_ += '-';
    AppendDecimal(out_, magnitude / 100);
    out_ += '.';
    out_ += static_cast<char>('0' + magnitude % 100 / 10);
    out_ += static_cast<char>('0' + magnitude % 10);
    return;
  }
  // NUMERIC's binary form: base-10000 digits, most significant first, with the weight (power of
  // 10000) of the first one, a sign and the display scale. Zero digits at either end are left out.
  int16_t digits[6];
  int n = 0;
  for (uint64_t whole = magnitude / 100; whole != 0; whole /= 10000) digits[n++] = static_cast<int16_t>(whole % 10000);
  int16_t weight = static_cast<int16_t>(n - 1);
  for (int i = 0; i < n / 2; ++i) std::swap(digits[i], digits[n - 1 - i]);
  if (magnitude % 100 != 0) {
    if (n == 0) weight = -1;
    digits[n++] = static_cast<int16_t>(magnitude % 100 * 100);
  }
  while (n > 0 && digits[n - 1] == 0) --n;
  if (n == 0) weight = 0;
  Put32(8 + 2 * n);
  Put16(static_cast<int16_t>(n));
  Put16(weight);
  Put16(cents < 0 && n > 0 ? kNumericNegative : 0);
  Put16(2);
  for (int i = 0; i < n; ++i) Put16(digits[i]);
}

void BulkRowWriter::Timestamp(int64_t seconds) {
  StartField();
  if (format_ == BulkFormat::kText) {
    AppendWallClock(out_, seconds);
    return;
  }
  Put32(8);
  Put64((seconds - kPostgresEpoch) * 1'000'000);
}

void BulkRowWriter::Text(std::string_view value) {
  BeginText();
  AddText(value);
  EndText();
}

void BulkRowWriter::BeginText() {
  StartField();
  if (format_ == BulkFormat::kPostgresBinary) {
    text_start_ = out_.size();
    Put32(0);  // the length, set by EndText
  }
}

void BulkRowWriter::AddText(std::string_view piece) {
  if (format_ == BulkFormat::kText) {
    AppendEscaped(out_, piece);
  } else {
    out_ += piece;
  }
}

void BulkRowWriter::EndText() {
  if (format_ == BulkFormat::kText) return;
  auto length = static_cast<uint32_t>(out_.size() - text_start_ - 4);
  for (int i = 0; i < 4; ++i) out_[text_start_ + i] = static_cast<char>(length >> (24 - 8 * i));
}

void BulkRowWriter::Null() {
  StartField();
  if (format_ == BulkFormat::kText) {
    out_ += "\\N";
  } else {
    Put32(-1);
  }
}

void BulkRowWriter::EndRow() {
  if (format_ == BulkFormat::kText) out_ += '\n';
  row_started_ = false;
}

}  // namespace sicoop::db
