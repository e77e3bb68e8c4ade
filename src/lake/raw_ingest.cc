#include "lake/raw_ingest.h"

#include <algorithm>
#include <set>

#include "common/numbers.h"
#include "db/schema.h"
#include "db/tables.h"
#include "lake/catalog.h"
#include "pipeline/etl.h"
#include "pipeline/extract.h"
#include "pipeline/flat_view.h"
#include "pipeline/source_snapshot.h"
#include "pipeline/source_tables.h"

namespace sicoop::lake {
namespace {

// A wall-clock type (no zone): it crosses JDBC as text and becomes TIMESTAMP_NTZ in Spark, so no
// time zone of the JVM or the session can shift it.
bool IsWallClock(const db::FoundType& type) {
  return type.data_type == "timestamp without time zone" || type.data_type == "datetime";
}
bool IsDate(const db::FoundType& type) { return type.data_type == "date"; }

std::string QuoteInDb(db::Dialect dialect, const std::string& name) {
  const char quote = dialect == db::Dialect::kPostgres ? '"' : '`';
  std::string quoted(1, quote);
  for (char c : name) {
    quoted += c;
    if (c == quote) quoted += c;
  }
  return quoted + quote;
}

std::string QuoteInSpark(const std::string& name) {
  std::string quoted = "`";
  for (char c : name) {
    quoted += c;
    if (c == '`') quoted += c;
  }
  return quoted + "`";
}

// `column` as the JDBC subquery selects it: wall-clock values and dates as text with every digit.
std::string SelectInDb(db::Dialect dialect, const db::FoundColumn& column) {
  const std::string name = QuoteInDb(dialect, column.name);
  const bool pg = dialect == db::Dialect::kPostgres;
  if (IsWallClock(column.type)) {
    return (pg ? "to_char(" + name + ", 'YYYY-MM-DD HH24:MI:SS.US')" : "DATE_FORMAT(" + name + ", '%Y-%m-%d %H:%i:%s.%f')") +
           " AS " + name;
  }
  if (IsDate(column.type)) {
    return (pg ? "to_char(" + name + ", 'YYYY-MM-DD')" : "DATE_FORMAT(" + name + ", '%Y-%m-%d')") + " AS " + name;
  }
  return name;
}

const db::ColumnDesc* ContractColumn(const db::TableDesc& table, const std::string& name) {
  for (const db::ColumnDesc& column : table.columns) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

// `column` as the raw table holds it. The contract's columns get fixed types, wide enough for any
// type the schema check accepts for them; other columns keep the type Spark reads them as.
std::string SelectInSpark(const db::TableDesc& table, const db::FoundColumn& column, const IngestOptions& options) {
  const std::string name = QuoteInSpark(column.name);
  if (&table == &db::Cartao() && column.name == "num_cartao") {
    return pipeline::MaskedCardNumberSql(name) + " AS " + kMaskedCardColumn + ", " + options.card_token_sql(name) +
           " AS " + kCardTokenColumn;
  }
  if (const db::ColumnDesc* contract = ContractColumn(table, column.name)) {
    switch (contract->type.kind) {
      case db::ColumnType::Kind::kInt:
      case db::ColumnType::Kind::kBigInt:
        return "CAST(" + name + " AS BIGINT) AS " + name;
      case db::ColumnType::Kind::kDecimal12_2:
        return "CAST(" + name + " AS DECIMAL(38, 2)) AS " + name;
      case db::ColumnType::Kind::kVarchar:
        return name;
      case db::ColumnType::Kind::kTimestamp:
        return "CAST(" + name + " AS TIMESTAMP_NTZ) AS " + name;
    }
  }
  if (IsWallClock(column.type)) return "CAST(" + name + " AS TIMESTAMP_NTZ) AS " + name;
  if (IsDate(column.type)) return "CAST(" + name + " AS DATE) AS " + name;
  return name;
}

std::string SourceView(const db::TableDesc& table) { return "sicoop_src_" + table.name; }
std::string IngestView(const db::TableDesc& table) { return "sicoop_in_" + table.name; }

// One source table on its way into the lake.
struct TablePlan {
  const db::TableDesc* table;
  std::vector<db::FoundColumn> source_columns;
  std::vector<LakeColumn> lake_columns;  // the raw table's, before the run; empty when it is new
  std::vector<LakeColumn> incoming;      // what the ingest view gives
};

// Registers the JDBC read of `plan`'s table (rows that meet `condition`, split by `predicates`)
// and the view that turns it into raw rows.
Status RegisterReads(spark::SparkSession& spark, const db::DbUrl& source, const pipeline::ReadInstant& instant,
                     TablePlan& plan, const std::string& condition, std::vector<std::string> predicates,
                     const IngestOptions& options) {
  const db::TableDesc& table = *plan.table;
  std::string db_select, spark_select;
  for (const db::FoundColumn& column : plan.source_columns) {
    db_select += (db_select.empty() ? "" : ", ") + SelectInDb(source.dialect, column);
    spark_select += (spark_select.empty() ? "" : ", ") + SelectInSpark(table, column, options);
  }
  const std::string dbtable = "(SELECT " + db_select + " FROM " + table.name +
                              (condition.empty() ? "" : " WHERE " + condition) + ") AS " + table.name + "_src";
  pipeline::JdbcRead read = pipeline::PlanJdbcQuery(source, dbtable, instant, std::move(predicates));
  Status registered = spark.Read().Format("jdbc").Options(read.options).Predicates(read.predicates).Load()
                          .CreateOrReplaceTempView(SourceView(table));
  if (!registered.ok()) {
    return registered.WithContext("Spark could not read table " + table.name + " from " + source.Redacted());
  }
  auto view = spark.Sql("SELECT " + spark_select + ", '" + options.run_id + "' AS " + kRunColumn +
                        ", current_timestamp() AS " + kIngestedAtColumn + " FROM " + SourceView(table))
                  .CreateOrReplaceTempView(IngestView(table));
  if (!view.ok()) return view.WithContext("Spark could not shape table " + table.name + " for the lake");
  SICOOP_ASSIGN_OR_RETURN(plan.incoming, QueryColumns(spark, "SELECT * FROM " + IngestView(table)));
  return Status::Ok();
}

// Fails, naming every one, when a column of the raw table is gone from the source or has a new
// type there: the lake cannot take such rows without losing what it holds.
Status CheckDrift(const std::vector<TablePlan>& plans) {
  std::string problems;
  for (const TablePlan& plan : plans) {
    for (const LakeColumn& kept : plan.lake_columns) {
      if (kept.name.rfind("_sicoop_", 0) == 0) continue;
      auto found = std::find_if(plan.incoming.begin(), plan.incoming.end(),
                                [&](const LakeColumn& column) { return column.name == kept.name; });
      std::string problem;
      if (found == plan.incoming.end()) {
        problem = plan.table->name + "." + kept.name + " is in the lake but no longer in the source";
      } else if (found->type != kept.type) {
        problem = plan.table->name + "." + kept.name + " is " + kept.type + " in the lake but reads as " + found->type +
                  " from the source now";
      }
      if (!problem.empty()) problems += (problems.empty() ? "" : "; ") + problem;
    }
  }
  if (problems.empty()) return Status::Ok();
  return Status::Failure("the source's schema changed in a way the lake cannot follow: " + problems +
                         ". Nothing was committed. Restore the column in the source, or keep this lake as it is and "
                         "ingest into a new one (--lake)");
}

// Creates the raw table of `plan` or adds the columns new in the source; returns the names added.
Result<std::vector<std::string>> PrepareTable(spark::SparkSession& spark, TablePlan& plan) {
  const std::string raw = RawTable(*plan.table);
  std::vector<std::string> added;
  if (plan.lake_columns.empty()) {
    std::string columns;
    for (const LakeColumn& column : plan.incoming) {
      columns += (columns.empty() ? "" : ", ") + QuoteInSpark(column.name) + " " + column.type;
    }
    const std::string partitioning =
        plan.table->is_fact() ? " PARTITIONED BY (months(" + plan.table->time_column + "))" : "";
    auto created = spark.Sql("CREATE TABLE IF NOT EXISTS " + raw + " (" + columns + ") USING iceberg" + partitioning +
                             " TBLPROPERTIES (" + kTableProperties + ")")
                       .Collect();
    if (!created.ok()) return created.status().WithContext("Spark could not create the lake table " + raw);
    return added;
  }
  std::string columns;
  for (const LakeColumn& column : plan.incoming) {
    const bool known = std::any_of(plan.lake_columns.begin(), plan.lake_columns.end(),
                                   [&](const LakeColumn& kept) { return kept.name == column.name; });
    if (known) continue;
    columns += (columns.empty() ? "" : ", ") + QuoteInSpark(column.name) + " " + column.type;
    added.push_back(plan.table->name + "." + column.name);
  }
  if (columns.empty()) return added;
  auto altered = spark.Sql("ALTER TABLE " + raw + " ADD COLUMNS (" + columns + ")").Collect();
  if (!altered.ok()) return altered.status().WithContext("Spark could not add the source's new columns to " + raw);
  return added;
}

// The ingest view's columns, in the raw table's order (new columns last, as ALTER TABLE adds them).
std::string ColumnsInLakeOrder(const TablePlan& plan, const std::string& alias) {
  std::vector<std::string> order;
  for (const LakeColumn& column : plan.lake_columns) order.push_back(column.name);
  for (const LakeColumn& column : plan.incoming) {
    if (std::find(order.begin(), order.end(), column.name) == order.end()) order.push_back(column.name);
  }
  std::string list;
  for (const std::string& name : order) list += (list.empty() ? "" : ", ") + alias + "." + QuoteInSpark(name);
  return list;
}

// Merges a dimension's source rows into its raw table by key, counting first what the merge
// changes; a merge that would change nothing is not committed, so the table's snapshot moves only
// when its rows do (the build relies on that to add to curated instead of rebuilding it).
Status MergeDimension(spark::SparkSession& spark, const TablePlan& plan, TableIngest& figures) {
  const std::string key = QuoteInSpark(plan.table->primary_key);
  std::string unchanged;
  for (const LakeColumn& column : plan.incoming) {
    if (column.name.rfind("_sicoop_", 0) == 0) continue;
    const std::string name = QuoteInSpark(column.name);
    unchanged += (unchanged.empty() ? "" : " AND ") + ("t." + name + " <=> s." + name);
  }
  const std::string raw = RawTable(*plan.table);
  // Read once from the source, for the count and the merge alike.
  const std::string cached = "sicoop_cached_" + plan.table->name;
  auto cache = spark.Sql("CACHE TABLE " + cached + " AS SELECT * FROM " + IngestView(*plan.table)).Collect();
  if (!cache.ok()) return cache.status().WithContext("Spark could not read table " + plan.table->name + " from the source");
  auto changes = spark.Sql("SELECT count_if(t." + key + " IS NULL), count_if(t." + key + " IS NOT NULL AND s." + key +
                           " IS NOT NULL AND NOT (" + unchanged + ")), count_if(s." + key + " IS NULL) FROM " + raw +
                           " t FULL OUTER JOIN " + cached + " s ON t." + key + " = s." + key)
                     .Collect();
  Status status = changes.status();
  if (status.ok() && (changes->rows.size() != 1 || changes->rows[0].size() != 3)) {
    status = Status::Failure("Spark did not count the changes of " + raw);
  }
  if (status.ok()) {
    const spark::Row& row = changes->rows[0];
    figures.rows_inserted = ParseInteger(row[0].value_or("")).value_or(0);
    figures.rows_updated = ParseInteger(row[1].value_or("")).value_or(0);
    figures.rows_deleted = ParseInteger(row[2].value_or("")).value_or(0);
    if (figures.rows_inserted + figures.rows_updated + figures.rows_deleted > 0) {
      status = spark.Sql("MERGE INTO " + raw + " t USING (SELECT * FROM " + cached + ") s ON t." + key + " = s." + key +
                         " WHEN MATCHED AND NOT (" + unchanged +
                         ") THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT * WHEN NOT MATCHED BY SOURCE THEN DELETE")
                   .Collect()
                   .status();
    }
  }
  (void)spark.Sql("UNCACHE TABLE IF EXISTS " + cached).Collect();
  if (!status.ok()) return status.WithContext("Spark could not merge table " + plan.table->name + " into " + raw);
  return Status::Ok();
}

// Appends the movimentos above `read_from` that the lake does not hold yet, with the watermark in
// the same commit.
Status AppendMovimentos(spark::SparkSession& spark, const TablePlan& plan, int64_t read_from, int64_t watermark,
                        const std::string& run_id) {
  const std::string raw = RawTable(*plan.table);
  const std::string key = QuoteInSpark(plan.table->primary_key);
  SICOOP_ASSIGN_OR_RETURN(std::vector<TableSnapshot> history, CurrentHistory(spark, raw));
  // The rows already in the lake are those of its current snapshot, named by id: a statement that
  // reads the table it inserts into by its plain name loses the insert's WITH options in Spark
  // 4.0.1, and with them the watermark.
  const std::string already_in_lake =
      history.empty() ? ""
                      : " LEFT ANTI JOIN (SELECT " + key + " FROM " + raw + " VERSION AS OF " + history.back().id +
                            " WHERE " + key + " > " + std::to_string(read_from) + ") r ON s." + key + " = r." + key;
  auto appended = spark.Sql("INSERT INTO " + raw + " WITH ('snapshot-property." + kWatermarkProperty + "' = '" +
                            std::to_string(watermark) + "', 'snapshot-property." + kRunProperty + "' = '" + run_id +
                            "') SELECT " + ColumnsInLakeOrder(plan, "s") + " FROM " + IngestView(*plan.table) + " s" +
                            already_in_lake)
                      .Collect();
  if (!appended.ok()) return appended.status().WithContext("Spark could not append the new movimentos to " + raw);
  return Status::Ok();
}

int64_t SummaryNumber(const TableSnapshot& snapshot, const std::string& key) {
  auto found = snapshot.summary.find(key);
  if (found == snapshot.summary.end()) return 0;
  return ParseInteger(found->second).value_or(0);
}

// Copies the labels of the seed's injected anomalies (db::MovimentoAnomalia), when the source has
// them, to LabelsTable(): read at the run's instant, those of movimentos up to `watermark` (on MySQL
// a label committed after the high-water mark waits for the run that reads its movimento), and
// written over the lake's copy in one commit (a replace keeps the earlier copies as snapshots).
// Returns nullopt when the source has no such table.
Result<std::optional<TableIngest>> CopyLabels(spark::SparkSession& spark, const pipeline::SourceSnapshot& snapshot,
                                              const std::vector<db::FoundColumn>& columns, int64_t watermark,
                                              const IngestOptions& options) {
  const db::TableDesc& table = db::MovimentoAnomalia();
  TablePlan plan{&table, {}, {}, {}};
  for (const db::FoundColumn& column : columns) {
    if (column.table == table.name) plan.source_columns.push_back(column);
  }
  if (plan.source_columns.empty()) return std::optional<TableIngest>();
  SICOOP_RETURN_IF_ERROR(RegisterReads(spark, options.source, snapshot.instant(), plan,
                                       "id_movimento <= " + std::to_string(watermark), {}, options));
  const std::string labels = LabelsTable();
  const std::string ns = labels.substr(0, labels.rfind('.'));
  auto created = spark.Sql("CREATE NAMESPACE IF NOT EXISTS " + ns).Collect();
  if (!created.ok()) return created.status().WithContext("Spark could not create the lake's namespace " + ns);
  auto replaced = spark.Sql("CREATE OR REPLACE TABLE " + labels + " USING iceberg TBLPROPERTIES (" + kTableProperties +
                            ") AS SELECT * FROM " + IngestView(table))
                      .Collect();
  if (!replaced.ok()) return replaced.status().WithContext("Spark could not copy the anomalies' labels to " + labels);
  SICOOP_ASSIGN_OR_RETURN(std::vector<TableSnapshot> history, CurrentHistory(spark, labels));
  TableIngest figures;
  if (!history.empty()) {
    figures.snapshot_id = history.back().id;
    figures.rows_in_lake = SummaryNumber(history.back(), "total-records");
  }
  figures.source_rows = figures.rows_in_lake;
  figures.rows_added = figures.rows_in_lake;
  return std::optional<TableIngest>(figures);
}

}  // namespace

Result<IngestSummary> Ingest(spark::SparkSession& spark, db::Connection& source, const IngestOptions& options,
                             const std::function<void(const std::string&)>& log) {
  IngestSummary summary;
  SICOOP_ASSIGN_OR_RETURN(std::vector<db::FoundColumn> columns, db::ReadColumns(source));
  SICOOP_ASSIGN_OR_RETURN(int slots, pipeline::TaskSlots(spark));
  SICOOP_ASSIGN_OR_RETURN(summary.watermark_before, Watermark(spark));
  // Below the look-back the source is not read at all, not even counted.
  std::optional<int64_t> look_back_from;
  if (summary.watermark_before) look_back_from = *summary.watermark_before - options.lookback;
  SICOOP_ASSIGN_OR_RETURN(pipeline::SourceSnapshot snapshot, pipeline::SourceSnapshot::Take(source, look_back_from));

  std::vector<TablePlan> plans;
  for (const db::TableDesc& table : pipeline::SourceTables()) {
    TablePlan plan{&table, {}, {}, {}};
    for (const db::FoundColumn& column : columns) {
      if (column.table == table.name) plan.source_columns.push_back(column);
    }
    SICOOP_ASSIGN_OR_RETURN(plan.lake_columns, TableColumns(spark, RawTable(table)));
    const pipeline::TableProfile& profile = snapshot.Profile(table);
    summary.tables[table.name].source_rows = profile.rows;
    const std::string key = table.primary_key;
    if (!table.is_fact()) {
      const int partitions = pipeline::PartitionCount(profile.rows, 0, slots);
      SICOOP_RETURN_IF_ERROR(RegisterReads(
          spark, options.source, snapshot.instant(), plan, "",
          profile.min_key ? pipeline::KeyRangePredicates(key, *profile.min_key, *profile.max_key, partitions)
                          : std::vector<std::string>{},
          options));
    } else {
      // Ids up to the snapshot's highest; above the watermark less the look-back, or all of them.
      const int64_t highest = profile.max_key.value_or(0);
      const int64_t lowest = profile.min_key.value_or(1) - 1;
      summary.read_from_id = summary.watermark_before ? std::max(*summary.watermark_before - options.lookback, lowest)
                                                      : lowest;
      summary.watermark_after = std::max(highest, summary.watermark_before.value_or(highest));
      const int64_t span = std::max<int64_t>(highest - summary.read_from_id, 0);
      // An incremental profile on PostgreSQL does not count the rows: the span of ids stands for them.
      const int64_t rows = profile.rows > 0 ? std::min(span, profile.rows) : span;
      const int partitions = pipeline::PartitionCount(rows, options.partitions, slots);
      SICOOP_RETURN_IF_ERROR(RegisterReads(
          spark, options.source, snapshot.instant(), plan,
          key + " > " + std::to_string(summary.read_from_id) + " AND " + key + " <= " + std::to_string(highest),
          span > 0 ? pipeline::KeyRangePredicates(key, summary.read_from_id + 1, highest, partitions)
                   : std::vector<std::string>{},
          options));
      log("ingest " + table.name + ": ids " + std::to_string(summary.read_from_id + 1) + " to " +
          std::to_string(highest) + (summary.watermark_before ? " (watermark " + std::to_string(*summary.watermark_before) +
                                                                    ", look-back " + std::to_string(options.lookback) + ")"
                                                              : " (first load)") +
          " in " + std::to_string(span > 0 ? partitions : 0) + " JDBC partition" + (partitions == 1 ? "" : "s"));
    }
    plans.push_back(std::move(plan));
  }
  SICOOP_RETURN_IF_ERROR(CheckDrift(plans));

  for (TablePlan& plan : plans) {
    SICOOP_ASSIGN_OR_RETURN(std::vector<std::string> added, PrepareTable(spark, plan));
    summary.columns_added.insert(summary.columns_added.end(), added.begin(), added.end());
    if (!plan.table->is_fact()) {
      TableIngest& figures = summary.tables[plan.table->name];
      SICOOP_RETURN_IF_ERROR(MergeDimension(spark, plan, figures));
      log("ingest " + plan.table->name + ": " + std::to_string(figures.source_rows) + " rows in the source, " +
          std::to_string(figures.rows_inserted) + " new, " + std::to_string(figures.rows_updated) + " changed, " +
          std::to_string(figures.rows_deleted) + " gone");
    } else {
      SICOOP_RETURN_IF_ERROR(AppendMovimentos(spark, plan, summary.read_from_id, *summary.watermark_after,
                                              options.run_id));
    }
  }
  SICOOP_ASSIGN_OR_RETURN(std::optional<TableIngest> labels,
                          CopyLabels(spark, snapshot, columns, summary.watermark_after.value_or(0), options));
  if (labels) {
    summary.tables[db::MovimentoAnomalia().name] = *labels;
    log("ingest " + db::MovimentoAnomalia().name + ": " + std::to_string(labels->rows_in_lake) + " labels to " +
        LabelsTable());
  }
  Status ended = snapshot.End();
  // Only MySQL's check can fail here, after the commit: rows that committed late below the
  // high-water mark, which the next run's look-back reads.
  if (!ended.ok()) summary.warning = ended.message();

  for (const TablePlan& plan : plans) {
    SICOOP_ASSIGN_OR_RETURN(std::vector<TableSnapshot> history, CurrentHistory(spark, RawTable(*plan.table)));
    TableIngest& figures = summary.tables[plan.table->name];
    if (history.empty()) continue;
    figures.snapshot_id = history.back().id;
    figures.rows_in_lake = SummaryNumber(history.back(), "total-records");
    for (const TableSnapshot& commit : history) {
      auto run = commit.summary.find(kRunProperty);
      if (run != commit.summary.end() && run->second == options.run_id) {
        figures.rows_added = SummaryNumber(commit, "added-records");
      }
    }
    if (plan.table->is_fact()) {
      // The source's rows in the range read are those the lake now holds there (the source was not
      // counted, to spare it a scan).
      const std::string key = QuoteInSpark(plan.table->primary_key);
      SICOOP_ASSIGN_OR_RETURN(spark::Rows counted,
                              spark.Sql("SELECT count(*) FROM " + RawTable(*plan.table) + " WHERE " + key + " > " +
                                        std::to_string(summary.read_from_id) + " AND " + key +
                                        " <= " + std::to_string(summary.watermark_after.value_or(0)))
                                  .Collect());
      if (counted.rows.size() == 1 && !counted.rows[0].empty() && counted.rows[0][0]) {
        figures.source_rows = ParseInteger(*counted.rows[0][0]).value_or(figures.source_rows);
      }
    }
  }
  return summary;
}

}  // namespace sicoop::lake
