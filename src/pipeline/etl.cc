#include "pipeline/etl.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>

#include "common/numbers.h"
#include "pipeline/csv_output.h"
#include "pipeline/extract.h"
#include "pipeline/source_snapshot.h"
#include "pipeline/source_tables.h"
#include "pipeline/written_rows.h"

namespace sicoop::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}



// Registers each source table as a Spark temp view read over JDBC, every read at the instant of
// the snapshot it takes on `source` and returns; the caller ends it once Spark has read everything.
Result<SourceSnapshot> RegisterSourceViews(spark::SparkSession& spark, db::Connection& source,
                                           const EtlOptions& options, EtlSummary& summary,
                                           const std::function<void(const std::string&)>& log) {
  SICOOP_ASSIGN_OR_RETURN(int slots, TaskSlots(spark));
  SICOOP_ASSIGN_OR_RETURN(SourceSnapshot snapshot, SourceSnapshot::Take(source));
  for (const auto& table : SourceTables()) {
    const TableProfile& profile = snapshot.Profile(table);
    summary.source_rows[table.name] = profile.rows;
    int partitions = PartitionCount(profile.rows, table.is_fact() ? options.partitions : 0, slots);
    JdbcRead read = PlanJdbcRead(options.source, table, profile, partitions, snapshot.instant());
    log("extract " + table.name + ": " + std::to_string(profile.rows) + " rows in " +
        std::to_string(partitions) + " JDBC partition" + (partitions == 1 ? "" : "s"));
    auto frame = spark.Read().Format("jdbc").Options(read.options).Predicates(read.predicates).Load();
    // Spark reads the table's schema here, over JDBC: a database that stops answering shows now.
    Status status = frame.CreateOrReplaceTempView(table.name);
    if (!status.ok()) {
      return ExplainJdbcTimeout(status, options.source)
          .WithContext("Spark could not read table " + table.name + " from " + options.source.Redacted());
    }
  }
  return snapshot;
}

// The count of the observation on the write, which Spark sends after the job. A busy server's
// listener can miss the 100 ms Spark waits for it; then Spark counts the same rows again (the query
// without its sort and CSV encoding), before the source snapshot is checked to have held.
Result<int64_t> RowsCounted(const spark::Observation& counted, spark::DataFrame& rows) {
  std::optional<int64_t> observed;
  if (const auto& metrics = counted.Get(); metrics && metrics->count("rows") == 1) observed = ParseInteger(metrics->at("rows"));
  if (observed && *observed >= 0) return *observed;
  auto recounted = rows.Count();
  if (!recounted.ok()) {
    return recounted.status().WithContext(
        "Spark wrote the flat view but did not report how many rows it wrote, and could not count them again, so the "
        "file cannot be checked and was not published (run again)");
  }
  return *recounted;
}

}  // namespace

Result<int> TaskSlots(spark::SparkSession& spark) {
  SICOOP_ASSIGN_OR_RETURN(spark::Rows rows,
                          spark.Sql("SELECT COUNT(DISTINCT p) FROM (SELECT spark_partition_id() AS p FROM range(0, 100000))")
                              .Collect());
  if (rows.rows.size() != 1 || rows.rows[0].empty() || !rows.rows[0][0]) {
    return Status::Failure("Spark did not say how many tasks it runs at once");
  }
  const std::optional<int64_t> slots = ParseInteger(*rows.rows[0][0]);
  if (!slots || *slots < 1 || *slots > INT32_MAX) {
    return Status::Failure("Spark answered '" + *rows.rows[0][0] + "' when asked how many tasks it runs at once");
  }
  return static_cast<int>(*slots);
}

Result<WrittenCsv> WriteFlatCsv(spark::DataFrame rows, const FlatCsvWrite& target,
                                const std::function<Status()>& before_publish,
                                const std::function<Status(const Status&)>& describe_failure,
                                const std::function<void(const EtlProgress&)>& progress) {
  WrittenCsv written;
  auto start = Clock::now();
  SICOOP_ASSIGN_OR_RETURN(std::unique_ptr<CsvStaging> staging, target.destination.Stage());
  spark::SparkSession& spark = rows.session();
  if (progress) {
    std::optional<WrittenRowsCounter> counter;
    if (auto local_parts = staging->LocalParts()) counter.emplace(*local_parts);
    spark.SetProgressHandler([&progress, counter](const spark::ExecutionProgress& report) mutable {
      progress(EtlProgress{report, counter ? counter->Poll() : 0});
    });
  }
  // Spark counts the rows in the job that writes them (an observation on the write's input: only
  // tasks that succeeded, each partition once), so the published file can be checked against it.
  spark::Observation counted("sicoop_rows_written");
  Status saved = rows.Observe(counted, {"count(1) AS rows"})
                     .Write()
                     .Format("csv")
                     .Mode("overwrite")
                     .Options(SparkCsvOptions(target.delimiter))
                     .Save(staging->PartsUri());
  spark.SetProgressHandler({});
  if (!saved.ok()) return describe_failure(saved);
  SICOOP_ASSIGN_OR_RETURN(const int64_t spark_rows, RowsCounted(counted, rows));
  if (before_publish) SICOOP_RETURN_IF_ERROR(before_publish());
  written.seconds_spark = SecondsSince(start);

  start = Clock::now();
  written.file = target.destination.FileName();
  SICOOP_ASSIGN_OR_RETURN(written.rows, staging->Publish(FlatViewHeader(target.delimiter), target.preset, spark_rows));
  written.seconds_publish = SecondsSince(start);
  return written;
}

Result<EtlSummary> RunEtl(spark::SparkSession& spark, db::Connection& source, CsvDestination& destination,
                          const EtlOptions& options, const std::function<void(const std::string&)>& log,
                          const std::function<void(const EtlProgress&)>& progress) {
  EtlSummary summary;
  auto start = Clock::now();
  SICOOP_ASSIGN_OR_RETURN(SourceSnapshot snapshot, RegisterSourceViews(spark, source, options, summary, log));
  summary.seconds_plan = SecondsSince(start);

  log("transform and write: join, sort, CSV part files");
  SICOOP_ASSIGN_OR_RETURN(
      WrittenCsv written,
      WriteFlatCsv(spark.Sql(FlatViewSql(options.card_number, options.spreadsheet_safe, DecimalMark(options.preset))),
                   FlatCsvWrite{destination, options.delimiter, options.preset}, [&snapshot] { return snapshot.End(); },
                   [&options](const Status& failure) {
                     return ExplainJdbcTimeout(failure, options.source).WithContext("Spark could not write the flat view");
                   },
                   progress));
  summary.file = written.file;
  summary.rows_written = written.rows;
  summary.seconds_spark = written.seconds_spark;
  summary.seconds_publish = written.seconds_publish;
  return summary;
}

}  // namespace sicoop::pipeline
