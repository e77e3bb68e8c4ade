// The seed generator without a database: formats, Luhn, determinism across threads and batches.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "db/bulk_rows.h"
#include "db/card_number.h"
#include "db/cooperative.h"
#include "db/movimentos.h"
#include "db/parallel_chunks.h"
#include "db/person.h"
#include "db/wall_clock.h"

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
    w.Timestamp(ParseWallClock("2024-02-29 23:59:58", "").value());
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
  EXPECT_EQ(Row(BulkFormat::kPostgresBinary, 1, [](BulkRowWriter& w) { w.Timestamp(ParseWallClock("2000-01-01 00:00:01", "").value()); }),
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

TEST(WallClockTest, RoundTripsAndRejectsImpossibleDates) {
  auto t = ParseWallClock("2018-11-04 00:30:00", "x");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatWallClock(*t), "2018-11-04 00:30:00");
  EXPECT_EQ(FormatWallClock(ParseWallClock("2024-02-29", "x").value()), "2024-02-29 00:00:00");
  EXPECT_EQ(FormatWallClock(0), "1970-01-01 00:00:00");
  EXPECT_EQ(Weekday(ParseWallClock("2024-06-07", "x").value() / kSecondsPerDay), 4);  // a Friday
  EXPECT_EQ(MonthOfDay(ParseWallClock("2024-12-31", "x").value() / kSecondsPerDay), 12);
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-1-01", "24-01-01", "2024-01-01 24:00:00", ""}) {
    auto parsed = ParseWallClock(bad, "--from");
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_TRUE(parsed.status().is_usage());
    EXPECT_NE(parsed.status().message().find("--from"), std::string::npos);
  }
}

TEST(CardNumberTest, SixteenDigitsWithBrandPrefixesPassingLuhn) {
  EXPECT_TRUE(PassesLuhn("4111111111111111"));
  EXPECT_TRUE(PassesLuhn("5500000000000004"));
  EXPECT_FALSE(PassesLuhn("4111111111111112"));
  EXPECT_FALSE(PassesLuhn("41111111111a1111"));
  std::set<char> brands;
  for (uint64_t id = 0; id < 5000; ++id) {
    Rng rng(9, 3, id);
    std::string number = MakeCardNumber(rng);
    ASSERT_EQ(number.size(), 16u) << number;
    ASSERT_TRUE(PassesLuhn(number)) << number;
    brands.insert(number[0]);
  }
  EXPECT_EQ(brands, (std::set<char>{'2', '4', '5', '6'}));
}

TEST(PersonTest, NamesWithAccentsAgesInRangeAsciiEmails) {
  int accented = 0, with_email = 0, compound = 0;
  double age_sum = 0;
  const int n = 5000;
  for (int id = 1; id <= n; ++id) {
    Person p = MakePerson(3, id);
    ASSERT_GE(p.idade, 18);
    ASSERT_LE(p.idade, 90);
    age_sum += p.idade;
    ASSERT_FALSE(p.nome.empty());
    ASSERT_FALSE(p.sobrenome.empty());
    ASSERT_LE(p.printed_name.size(), 26u);
    for (char c : p.printed_name + p.email) ASSERT_TRUE(static_cast<unsigned char>(c) < 0x80) << p.printed_name << p.email;
    if (FoldAccents(p.nome + p.sobrenome) != p.nome + p.sobrenome) ++accented;
    if (!p.email.empty()) ++with_email;
    if (p.nome.find(' ') != std::string::npos) ++compound;
  }
  EXPECT_GT(accented, n / 5);
  EXPECT_NEAR(with_email, n * 0.76, n * 0.04);
  EXPECT_NEAR(compound, n * 0.08, n * 0.02);
  EXPECT_NEAR(age_sum / n, 44, 4);
  EXPECT_EQ(FoldAccents("Conceição Ávila Müller"), "Conceicao Avila Muller");
  EXPECT_EQ(MakePerson(3, 17).nome + MakePerson(3, 17).email, MakePerson(3, 17).nome + MakePerson(3, 17).email);
}

// Everything the generator writes for a config in `format`, through ParallelChunks with the given
// threads.
std::string Generate(BulkFormat format, int threads, int64_t members_per_chunk, int64_t batch) {
  GeneratorConfig config;
  config.seed = 42;
  config.from = ParseWallClock("2024-01-01", "").value();
  config.to = ParseWallClock("2024-07-01", "").value();
  config.members = 300;
  std::vector<CardRef> cards;
  CooperativeLayout layout = LayOutCooperative(config, members_per_chunk, 1, 1, cards);
  std::string all;
  auto drain = [&](int64_t chunks, int fields, std::function<void(int64_t, BulkRowWriter&)> write) {
    ParallelChunks parallel(chunks, threads, [&](int64_t i, std::string& out) {
      BulkRowWriter writer(format, fields, out);
      write(i, writer);
    });
    std::string chunk;
    while (parallel.Next(chunk)) all += chunk;
  };
  auto n = static_cast<int64_t>(layout.chunks.size());
  drain(n, 5, [&](int64_t i, BulkRowWriter& out) { WriteAssociados(config, layout.chunks[i], out); });
  drain(n, 4, [&](int64_t i, BulkRowWriter& out) { WriteContas(config, layout.chunks[i], out); });
  drain(n, 6, [&](int64_t i, BulkRowWriter& out) { WriteCartoes(config, layout.chunks[i], out); });
  const int64_t total = 20000;
  MovimentoWriter movimentos(config, cards, 1, total);
  drain((total + batch - 1) / batch, 5, [&](int64_t i, BulkRowWriter& out) {
    movimentos.Write(1 + i * batch, std::min(batch, total - i * batch), out);
  });
  return all;
}

TEST(GeneratorTest, SameSeedSameBytesForAnyThreadsAndChunkSizes) {
  for (BulkFormat format : {BulkFormat::kText, BulkFormat::kPostgresBinary}) {
    std::string one = Generate(format, 1, 300, 20000);
    EXPECT_EQ(one, Generate(format, 4, 7, 333));
    EXPECT_EQ(one, Generate(format, 2, 50, 1));
    if (format == BulkFormat::kText) {
      EXPECT_GT(std::count(one.begin(), one.end(), '\n'), 20000 + 300);
    }
  }
}

TEST(ParallelChunksTest, AbandonedEarlyStopsCleanly) {
  ParallelChunks parallel(1000, 3, [](int64_t i, std::string& out) { out = std::to_string(i); });
  std::string chunk;
  ASSERT_TRUE(parallel.Next(chunk));
  EXPECT_EQ(chunk, "0");
  ASSERT_TRUE(parallel.Next(chunk));
  EXPECT_EQ(chunk, "1");
}

}  // namespace
}  // namespace sicoop::db
