#include "lake/run_figures.h"

#include "common/numbers.h"
#include "db/tables.h"
#include "lake/catalog.h"

namespace sicoop::lake {

Result<std::vector<DayCount>> MovimentosPerDayOfRun(spark::SparkSession& spark, const std::string& run_id) {
  // A run id is hex digits (common/run_id.h); anything else would not be one and must not reach SQL.
  if (run_id.empty() || run_id.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    return Status::Failure("'" + run_id + "' is not a run id: cannot count its movimentos per day");
  }
  const std::string table = RawTable(db::Movimento());
  // data_movimento is TIMESTAMP_NTZ: its CAST to DATE involves no time zone.
  auto rows = spark
                  .Sql("SELECT CAST(CAST(data_movimento AS DATE) AS STRING), count(*) FROM " + table + " WHERE " +
                       kRunColumn + " = '" + run_id + "' GROUP BY CAST(data_movimento AS DATE) ORDER BY 1")
                  .Collect();
  if (!rows.ok()) return rows.status().WithContext("Spark could not count the run's movimentos per day in " + table);
  std::vector<DayCount> days;
  for (const auto& row : rows->rows) {
    const std::optional<int64_t> count = row.size() == 2 && row[0] && row[1] ? ParseInteger(*row[1]) : std::nullopt;
    if (!count) return Status::Failure("Spark's count per day of " + table + " gave a row without its day or count");
    days.push_back({*row[0], *count});
  }
  return days;
}

}  // namespace sicoop::lake
