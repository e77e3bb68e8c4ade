#include "lake/reconcile.h"

#include <map>

#include "common/numbers.h"
#include "db/tables.h"
#include "lake/catalog.h"
#include "pipeline/flat_view.h"

namespace sicoop::lake {
namespace {

// What one query gives per day: a side's figures, or two sides' (the source's query).
using Days = std::map<std::string, std::vector<DayFigures>>;

// Reads rows of (day, count, sum[, count, sum...]) into `days`, `sides` pairs per row.
Result<Days> DaysOf(const std::vector<std::vector<std::optional<std::string>>>& rows, size_t sides,
                    const std::string& what) {
  Days days;
  for (const auto& row : rows) {
    if (row.size() != 1 + 2 * sides || !row[0]) return Status::Failure(what + " gave a row without its day");
    std::vector<DayFigures>& figures = days[*row[0]];
    for (size_t side = 0; side < sides; ++side) {
      std::optional<int64_t> count = row[1 + 2 * side] ? ParseInteger(*row[1 + 2 * side]) : std::nullopt;
      if (!count || !row[2 + 2 * side]) return Status::Failure(what + " gave no figures for " + *row[0]);
      figures.push_back({*count, *row[2 + 2 * side]});
    }
  }
  return days;
}

// The calendar date of a timestamp as 'YYYY-MM-DD', rendered by the database itself: both dialects
// store data_movimento without a zone, so no session setting moves it to another day (and the text
// does not depend on PostgreSQL's DateStyle).
std::string SourceDay(db::Dialect dialect, const std::string& column) {
  return dialect == db::Dialect::kPostgres ? "to_char(" + column + ", 'YYYY-MM-DD')"
                                           : "DATE_FORMAT(" + column + ", '%Y-%m-%d')";
}

// One statement, so both sides of the source are read at one instant: every movimento up to the
// watermark, and those the flat view's inner join keeps (all three parents found). The outer joins
// on primary keys neither repeat nor drop a movimento.
Result<Days> SourceDays(db::Connection& source, int64_t watermark) {
  const std::string m = pipeline::FlatViewAlias(db::Movimento());
  const std::string a = pipeline::FlatViewAlias(db::Associado());
  const std::string day = SourceDay(source.dialect(), m + ".data_movimento");
  const std::string sql =
      "SELECT " + day + ", COUNT(*), CAST(SUM(" + m + ".vlr_transacao) AS DECIMAL(38, 2)), COUNT(" + a +
      ".id), CAST(COALESCE(SUM(CASE WHEN " + a + ".id IS NOT NULL THEN " + m +
      ".vlr_transacao END), 0) AS DECIMAL(38, 2)) FROM " +
      pipeline::FlatViewJoinSql([](const db::TableDesc& table) { return table.name; }, "LEFT JOIN") + " WHERE " + m +
      ".id <= " + std::to_string(watermark) + " GROUP BY " + day;
  auto rows = source.Query(sql);
  if (!rows.ok()) return rows.status().WithContext("cannot count the movimentos per day in " + source.Describe());
  return DaysOf(*rows, 2, source.Describe());
}

// A lake table's figures per day at one snapshot. data_movimento is TIMESTAMP_NTZ there, whose CAST
// to DATE involves no time zone either.
Result<Days> LakeDays(spark::SparkSession& spark, const std::string& table, const std::string& snapshot_id,
                      const std::string& amount_column) {
  auto rows = spark
                  .Sql("SELECT CAST(CAST(data_movimento AS DATE) AS STRING), count(*), CAST(sum(" + amount_column +
                       ") AS DECIMAL(38, 2)) FROM " + table + " VERSION AS OF " + snapshot_id +
                       " GROUP BY CAST(data_movimento AS DATE)")
                  .Collect();
  if (!rows.ok()) return rows.status().WithContext("Spark could not count the rows per day of " + table);
  return DaysOf(rows->rows, 1, "Spark's count of " + table);
}

// A day's figures on one side, or zero rows when the side has none that day.
DayFigures On(const Days& days, const std::string& day, size_t side) {
  auto found = days.find(day);
  return found == days.end() ? DayFigures{} : found->second[side];
}

}  // namespace

Result<Reconciliation> Reconcile(spark::SparkSession& spark, db::Connection& source) {
  Reconciliation result;
  const std::string raw = RawTable(db::Movimento());
  SICOOP_ASSIGN_OR_RETURN(std::vector<TableSnapshot> raw_history, CurrentHistory(spark, raw));
  SICOOP_ASSIGN_OR_RETURN(std::optional<int64_t> watermark, WatermarkOf(raw_history));
  if (!watermark) {
    return Status::Failure("the lake holds no ingest yet (" + raw +
                           " has no commit with a watermark): run 'sicoop lake ingest' or 'sicoop etl --lake' first");
  }
  result.watermark = *watermark;
  result.raw_snapshot_id = raw_history.back().id;
  SICOOP_ASSIGN_OR_RETURN(std::vector<TableSnapshot> curated_history, CurrentHistory(spark, CuratedFlatTable()));
  if (!curated_history.empty()) result.curated_snapshot_id = curated_history.back().id;

  SICOOP_ASSIGN_OR_RETURN(Days raw_days, LakeDays(spark, raw, result.raw_snapshot_id, "vlr_transacao"));
  Days curated_days;
  if (!result.curated_snapshot_id.empty()) {
    SICOOP_ASSIGN_OR_RETURN(curated_days, LakeDays(spark, CuratedFlatTable(), result.curated_snapshot_id,
                                                   "vlr_transacao_movimento"));
  }
  SICOOP_ASSIGN_OR_RETURN(Days source_days, SourceDays(source, result.watermark));

  std::map<std::string, bool> all_days;
  for (const Days* days : {&source_days, &raw_days, &curated_days}) {
    for (const auto& [day, figures] : *days) all_days[day] = true;
  }
  result.days = static_cast<int64_t>(all_days.size());
  for (const auto& [day, unused] : all_days) {
    DayReconciliation reconciled{day, On(source_days, day, 0), On(raw_days, day, 0), On(source_days, day, 1), {}};
    if (!result.curated_snapshot_id.empty()) reconciled.curated = On(curated_days, day, 0);
    result.source_rows += reconciled.source.rows;
    result.raw_rows += reconciled.raw.rows;
    result.source_joined_rows += reconciled.source_joined.rows;
    if (reconciled.curated) result.curated_rows += reconciled.curated->rows;
    if (reconciled.RawDiffers() || reconciled.CuratedDiffers()) result.differing.push_back(std::move(reconciled));
  }
  return result;
}

}  // namespace sicoop::lake
