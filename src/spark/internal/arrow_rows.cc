#include "spark/internal/arrow_rows.h"

#include <arrow/api.h>
#include <arrow/io/memory.h>
#include <arrow/ipc/reader.h>

#include <charconv>
#include <cstdio>

#include "common/calendar.h"

namespace sicoop::spark {
namespace {

std::string Timestamp(int64_t value, arrow::TimeUnit::type unit) {
  int64_t per_second = unit == arrow::TimeUnit::SECOND  ? 1
                       : unit == arrow::TimeUnit::MILLI ? 1000
                       : unit == arrow::TimeUnit::MICRO ? 1000000
                                                        : 1000000000;
  int64_t seconds = FloorDiv(value, per_second);
  int64_t fraction = value - seconds * per_second;
  std::string out = FormatWallClock(seconds);
  if (fraction != 0) {
    char text[32];
    int digits = unit == arrow::TimeUnit::MILLI ? 3 : unit == arrow::TimeUnit::MICRO ? 6 : 9;
    std::snprintf(text, sizeof(text), ".%0*lld", digits, static_cast<long long>(fraction));
    std::string fraction_text = text;
    fraction_text.erase(fraction_text.find_last_not_of('0') + 1);  // as Spark casts it: ".5", not ".500000"
    out += fraction_text;
  }
  return out;
}

template <typename Number>
std::string PlainText(Number value) {  // shortest digits that read back exactly, no exponent
  char text[512];  // fixed notation of a double can take 300+ digits
  auto [end, error] = std::to_chars(text, text + sizeof(text), value, std::chars_format::fixed);
  return error == std::errc() ? std::string(text, end) : std::to_string(value);
}

std::string CellText(const arrow::Array& array, int64_t i) {
  switch (array.type_id()) {
    case arrow::Type::BOOL:
      return static_cast<const arrow::BooleanArray&>(array).Value(i) ? "true" : "false";
    case arrow::Type::INT8: return std::to_string(static_cast<const arrow::Int8Array&>(array).Value(i));
    case arrow::Type::INT16: return std::to_string(static_cast<const arrow::Int16Array&>(array).Value(i));
    case arrow::Type::INT32: return std::to_string(static_cast<const arrow::Int32Array&>(array).Value(i));
    case arrow::Type::INT64: return std::to_string(static_cast<const arrow::Int64Array&>(array).Value(i));
    case arrow::Type::FLOAT: return PlainText(static_cast<const arrow::FloatArray&>(array).Value(i));
    case arrow::Type::DOUBLE: return PlainText(static_cast<const arrow::DoubleArray&>(array).Value(i));
    case arrow::Type::DECIMAL128: return static_cast<const arrow::Decimal128Array&>(array).FormatValue(i);
    case arrow::Type::DECIMAL256: return static_cast<const arrow::Decimal256Array&>(array).FormatValue(i);
    case arrow::Type::STRING: return static_cast<const arrow::StringArray&>(array).GetString(i);
    case arrow::Type::LARGE_STRING: return static_cast<const arrow::LargeStringArray&>(array).GetString(i);
    case arrow::Type::BINARY: return static_cast<const arrow::BinaryArray&>(array).GetString(i);
    case arrow::Type::DATE32: return FormatDate(static_cast<const arrow::Date32Array&>(array).Value(i));
    case arrow::Type::TIMESTAMP: {
      const auto& timestamps = static_cast<const arrow::TimestampArray&>(array);
      return Timestamp(timestamps.Value(i), static_cast<const arrow::TimestampType&>(*array.type()).unit());
    }
    default: {
      // Nested and rarer types: Arrow's own rendering is good enough for a result held as text.
      auto scalar = array.GetScalar(i);
      return scalar.ok() ? (*scalar)->ToString() : "<" + array.type()->ToString() + ">";
    }
  }
}

}  // namespace

Status AppendArrowBatch(const std::string& ipc_stream, Rows& rows) {
  auto buffer = std::make_shared<arrow::Buffer>(reinterpret_cast<const uint8_t*>(ipc_stream.data()),
                                                static_cast<int64_t>(ipc_stream.size()));
  auto reader = arrow::ipc::RecordBatchStreamReader::Open(std::make_shared<arrow::io::BufferReader>(buffer));
  if (!reader.ok()) return Status::Failure("cannot decode Spark's Arrow result: " + reader.status().ToString());
  rows.columns.clear();
  for (const auto& field : (*reader)->schema()->fields()) rows.columns.push_back(field->name());
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    arrow::Status status = (*reader)->ReadNext(&batch);
    if (!status.ok()) return Status::Failure("cannot decode Spark's Arrow result: " + status.ToString());
    if (batch == nullptr) return Status::Ok();
    for (int64_t r = 0; r < batch->num_rows(); ++r) {
      Row row;
      row.reserve(batch->num_columns());
      for (int c = 0; c < batch->num_columns(); ++c) {
        const arrow::Array& column = *batch->column(c);
        if (column.IsNull(r)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(CellText(column, r));
        }
      }
      rows.rows.push_back(std::move(row));
    }
  }
}

}  // namespace sicoop::spark
