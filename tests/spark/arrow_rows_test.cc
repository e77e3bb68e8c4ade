#include "spark/internal/arrow_rows.h"

#include <arrow/api.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/writer.h>
#include <gtest/gtest.h>

namespace sicoop::spark {
namespace {

// An Arrow IPC stream of one batch, as Spark Connect sends in ArrowBatch.data.
std::string IpcStream(const std::shared_ptr<arrow::RecordBatch>& batch) {
  auto sink = arrow::io::BufferOutputStream::Create().ValueOrDie();
  auto writer = arrow::ipc::MakeStreamWriter(sink, batch->schema()).ValueOrDie();
  EXPECT_TRUE(writer->WriteRecordBatch(*batch).ok());
  EXPECT_TRUE(writer->Close().ok());
  return sink->Finish().ValueOrDie()->ToString();
}

template <typename Builder, typename Value>
std::shared_ptr<arrow::Array> Column(Builder&& builder, const std::vector<std::optional<Value>>& values) {
  for (const auto& value : values) {
    EXPECT_TRUE((value ? builder.Append(*value) : builder.AppendNull()).ok());
  }
  return builder.Finish().ValueOrDie();
}

TEST(ArrowRowsTest, CellsAreTextAndNullsAreNullopt) {
  auto decimal_type = arrow::decimal128(12, 2);
  auto timestamp_type = arrow::timestamp(arrow::TimeUnit::MICRO);
  auto schema = arrow::schema({arrow::field("id", arrow::int64()), arrow::field("amount", decimal_type),
                               arrow::field("name", arrow::utf8()), arrow::field("at", timestamp_type),
                               arrow::field("day", arrow::date32()), arrow::field("ratio", arrow::float64()),
                               arrow::field("ok", arrow::boolean())});
  auto batch = arrow::RecordBatch::Make(
      schema, 3,
      {Column<arrow::Int64Builder, int64_t>(arrow::Int64Builder(), {1, std::nullopt, -9000000000}),
       Column<arrow::Decimal128Builder, arrow::Decimal128>(arrow::Decimal128Builder(decimal_type),
                                                           {arrow::Decimal128(-5000), arrow::Decimal128(1),
                                                            arrow::Decimal128(9999999999)}),
       Column<arrow::StringBuilder, std::string>(arrow::StringBuilder(), {"Conceição 😀", "", std::nullopt}),
       Column<arrow::TimestampBuilder, int64_t>(
           arrow::TimestampBuilder(timestamp_type, arrow::default_memory_pool()),
           {0, 1709164800500000, -1}),
       Column<arrow::Date32Builder, int32_t>(arrow::Date32Builder(), {19782, -1, std::nullopt}),
       Column<arrow::DoubleBuilder, double>(arrow::DoubleBuilder(), {0.1, 1e20, -2.5}),
       Column<arrow::BooleanBuilder, bool>(arrow::BooleanBuilder(), {true, false, std::nullopt})});

  Rows rows;
  ASSERT_TRUE(AppendArrowBatch(IpcStream(batch), rows).ok());
  ASSERT_TRUE(AppendArrowBatch(IpcStream(batch->Slice(0, 1)), rows).ok());
  EXPECT_EQ(rows.columns, (std::vector<std::string>{"id", "amount", "name", "at", "day", "ratio", "ok"}));
  ASSERT_EQ(rows.rows.size(), 4u);
  using Cell = std::optional<std::string>;
  const Row first = {"1", "-50.00", "Conceição 😀", "1970-01-01 00:00:00", "2024-02-29", "0.1", "true"};
  EXPECT_EQ(rows.rows[0], first);
  EXPECT_EQ(rows.rows[1], (Row{Cell(), "0.01", "", "2024-02-29 00:00:00.5", "1969-12-31", "100000000000000000000",
                               "false"}));
  EXPECT_EQ(rows.rows[2], (Row{"-9000000000", "99999999.99", Cell(), "1969-12-31 23:59:59.999999", Cell(), "-2.5",
                               Cell()}));
  EXPECT_EQ(rows.rows[3], first);  // the second batch, the first row alone
}

TEST(ArrowRowsTest, GarbageIsAFailure) {
  Rows rows;
  Status status = AppendArrowBatch("not arrow", rows);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("Arrow"), std::string::npos);
}

}  // namespace
}  // namespace sicoop::spark
