#include "lake/csv_export.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "common/numbers.h"
#include "lake/catalog.h"
#include "lake/curated_build.h"
#include "pipeline/flat_view.h"

namespace sicoop::lake {
namespace {

// Enough ranges to keep every core busy on a cluster, few enough that Spark plans the union fast.
constexpr size_t kMaxExportRanges = 240;

// The months curated holds rows in, from its Iceberg partitions (metadata, no data read), and how
// many rows its data files hold.
struct CuratedLayout {
  std::vector<int64_t> months;
  int64_t rows = 0;
};

// The first instant of month `month` (months since 1970-01) as a TIMESTAMP_NTZ literal, for the
// years such a literal holds.
std::optional<std::string> MonthStart(int64_t month) {
  const int64_t year = 1970 + (month >= 0 ? month / 12 : -((-month + 11) / 12));
  const int64_t month_of_year = month - (year - 1970) * 12 + 1;
  if (year < 1 || year > 9999) return std::nullopt;
  char text[64];
  std::snprintf(text, sizeof text, "TIMESTAMP_NTZ'%04lld-%02lld-01 00:00:00'", static_cast<long long>(year),
                static_cast<long long>(month_of_year));
  return std::string(text);
}

Result<CuratedLayout> ReadCuratedLayout(spark::SparkSession& spark) {
  SICOOP_ASSIGN_OR_RETURN(spark::Rows rows, spark.Sql("SELECT CAST(partition." + std::string(kCuratedTimeColumn) +
                                                          "_month AS STRING), CAST(record_count AS STRING) FROM " +
                                                          CuratedFlatTable() + ".partitions")
                                                .Collect());
  CuratedLayout layout;
  for (const auto& row : rows.rows) {
    const std::optional<int64_t> count = row.size() == 2 && row[1] ? ParseInteger(*row[1]) : std::nullopt;
    if (!count) return Status::Failure("the lake's " + CuratedFlatTable() + " lists a partition without a row count");
    layout.rows += *count;
    if (!row[0]) continue;  // the month of rows without a time: MonthRanges reads them first anyway
    const std::optional<int64_t> month = ParseInteger(*row[0]);
    if (!month) return Status::Failure("the lake's " + CuratedFlatTable() + " lists a month partition '" + *row[0] + "'");
    layout.months.push_back(*month);
  }
  return layout;
}

}  // namespace

std::vector<std::string> MonthRanges(const std::string& column, std::vector<int64_t> months) {
  std::sort(months.begin(), months.end());
  months.erase(std::unique(months.begin(), months.end()), months.end());
  // Each range starts at a listed month; the first is open below and the last above, so a row of a
  // month the list lacks still falls in one range, in order.
  std::vector<std::string> starts;
  // At least 1, also for an empty list.
  const size_t step = std::max<size_t>((months.size() + kMaxExportRanges - 1) / kMaxExportRanges, 1);
  for (size_t i = 0; i < months.size(); i += step) {
    if (auto start = MonthStart(months[i])) starts.push_back(*start);
  }
  if (starts.empty()) return {};
  std::vector<std::string> ranges = {column + " IS NULL"};
  for (size_t i = 0; i < starts.size(); ++i) {
    std::string range = i == 0 ? column + " IS NOT NULL" : column + " >= " + starts[i];
    if (i + 1 < starts.size()) range += " AND " + column + " < " + starts[i + 1];
    ranges.push_back(range);
  }
  return ranges;
}

Result<pipeline::WrittenCsv> ExportCsv(spark::SparkSession& spark, pipeline::CsvDestination& destination,
                                       const ExportOptions& options,
                                       const std::function<void(const pipeline::EtlProgress&)>& progress) {
  auto layout = ReadCuratedLayout(spark);
  if (!layout.ok() && IsMissingTable(layout.status())) {
    return Status::Failure("the lake has no " + CuratedFlatTable() +
                           " table to export yet: build it first (sicoop lake build, or sicoop etl --lake)");
  }
  if (!layout.ok()) return layout.status().WithContext("reading which months the lake's " + CuratedFlatTable() + " holds");
  const std::vector<std::string> ranges =
      layout->rows >= options.min_rows_for_month_ranges ? MonthRanges(kCuratedTimeColumn, layout->months) : std::vector<std::string>{};
  const std::string sql = pipeline::FlatViewOfTableSql(CuratedFlatTable(), kCuratedIdColumn, ranges,
                                                       options.spreadsheet_safe, pipeline::DecimalMark(options.preset));
  return pipeline::WriteFlatCsv(
      spark.Sql(sql), pipeline::FlatCsvWrite{destination, options.delimiter, options.preset}, {},
      [](const Status& failure) {
        return failure.WithContext("Spark could not write the flat view from the lake's " + CuratedFlatTable());
      },
      progress);
}

}  // namespace sicoop::lake
