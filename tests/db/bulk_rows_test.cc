// The rows of the databases' bulk paths: LOAD DATA / COPY text and PostgreSQL's COPY binary.
#include "db/bulk_rows.h"

#include <gtest/gtest.h>

#include <functional>

#include "common/calendar.h"

namespace sicoop::db {
namespace {

// The bytes of one row of `fields` fields written by `write` in `format`.
std::string Row(BulkFormat format, int fields, const std::function<void(BulkRowWriter&)>& write) {
  std::string out;
  BulkRowWriter writer(format, fields, out);
  write(writer);
  writer.EndRow();
  return out;
}

TEST(BulkRowsTest, TextEscapesWhatTheFormatReserves) {
  std::string row = Row(BulkFormat::kText, 6, [](BulkRowWriter& w) {
    w.Text("a\tb\nc\\d\re 😀 ção");
    w.Cents(-5);
    w.Cents(9999999999);
    w.BigInt(INT64_MIN);
    w.Null();
    w.Timestamp(*ParseWallClock("2024-02-29 23:59:58"));
  });
  EXPECT_EQ(row, "a\\tb\\nc\\\\d\\re 😀 ção\t-0.05\t99999999.99\t-9223372036854775808\t\\N\t2024-02-29 23:59:58\n");
  EXPECT_EQ(ColumnList({"a", "b"}), "(a, b)");
}

// `bytes` as a string of the given byte values.
std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out += static_cast<char>(b);
  return out;
}


TEST(BulkRowsTest, PostgresBinaryFieldsInTheirSendFormats) {
  // A field count, then per field a length and the big-endian value.
  EXPECT_EQ(Row(BulkFormat::kPostgresBinary, 3, [](BulkRowWriter& w) { w.Integer(-2); w.BigInt(258); w.Null(); }),
            Bytes({0, 3, 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 1, 2, 0xff, 0xff, 0xff, 0xff}));
  EXPECT_EQ(Row(BulkFormat::kPostgresBinary, 1, [](BulkRowWriter& w) { w.BeginText(); w.AddText("ç"); w.AddText("\t"); w.EndText(); }),
            Bytes({0, 1, 0, 0, 0, 3, 0xc3, 0xa7, '\t'}));
  // Microseconds since 2000-01-01.
  EXPECT_EQ(Row(BulkFormat::kPostgresBinary, 1, [](BulkRowWriter& w) { w.Timestamp(*ParseWallClock("2000-01-01 00:00:01")); }),
            Bytes({0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0x0f, 0x42, 0x40}));
  EXPECT_EQ(Row(BulkFormat::kPostgresBinary, 1, [](BulkRowWriter& w) { w.Timestamp(0); }),
            Bytes({0, 1, 0, 0, 0, 8, 0xff, 0xfc, 0xa2, 0xfe, 0xc4, 0xc8, 0x20, 0x00}));
}


TEST(BulkRowsTest, PostgresBinaryNumericDigitsWeightSignScale) {
  // ndigits, weight, sign, dscale = 2, then base-10000 digits.
  auto numeric = [](int64_t cents) {
    std::string row = Row(BulkFormat::kPostgresBinary, 1, [cents](BulkRowWriter& w) { w.Cents(cents); });
    return row.substr(6);  // past the field count and length
  };
  EXPECT_EQ(numeric(0), Bytes({0, 0, 0, 0, 0, 0, 0, 2}));
  EXPECT_EQ(numeric(-5), Bytes({0, 1, 0xff, 0xff, 0x40, 0, 0, 2, 0x01, 0xf4}));                  // -0.05: 500e-1
  EXPECT_EQ(numeric(1234567), Bytes({0, 3, 0, 1, 0, 0, 0, 2, 0, 1, 0x09, 0x29, 0x1a, 0x2c}));    // 1|2345|6700
  EXPECT_EQ(numeric(1000000), Bytes({0, 1, 0, 1, 0, 0, 0, 2, 0, 1}));                            // 10000.00
  EXPECT_EQ(numeric(-100000005), Bytes({0, 3, 0, 1, 0x40, 0, 0, 2, 0, 100, 0, 0, 0x01, 0xf4}));  // -1000000.05
}

}  // namespace
}  // namespace sicoop::db
