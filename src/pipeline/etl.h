// The ETL of docs/output-contract.md: Spark extracts the four source tables over JDBC (partitioned on their keys),
// joins them into the flat view, sorts it and writes it as CSV part files; sicoop publishes them as
// one movimento_flat.csv, atomically, in a local folder or an S3 prefix (csv_destination.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>

#include "common/status.h"
#include "db/connection.h"
#include "db/db_url.h"
#include "pipeline/csv_destination.h"
#include "pipeline/csv_output.h"
#include "pipeline/flat_view.h"
#include "storage/location.h"
#include "spark/execution_progress.h"
#include "spark/session.h"

namespace sicoop::pipeline {

struct EtlOptions {
  db::DbUrl source;
  storage::Location output;  // a local folder or an S3 prefix
  char delimiter = ',';
  CardNumberMode card_number = CardNumberMode::kMasked;
  int partitions = 0;  // JDBC partitions of the big table; 0 = derived from its size
  bool spreadsheet_safe = false;  // text cells that a spreadsheet would run as a formula get a leading '
  CsvPreset preset = CsvPreset::kDefault;  // the Excel preset changes the decimal mark, BOM and line ends
};

struct EtlSummary {
  std::string file;                            // the published movimento_flat.csv: a path or an s3a:// URI
  int64_t rows_written = 0;                    // data rows, header excluded; what Spark counted too
  std::map<std::string, int64_t> source_rows;  // rows per source table when the run started
  double seconds_start = 0;                    // the caller's: checks, lock, Spark's start-up or connection
  double seconds_plan = 0;                     // schema check and table bounds in the source
  double seconds_spark = 0;                    // extract, join, sort and write in Spark
  double seconds_publish = 0;                  // joining the part files into the CSV
};

// Where a run is, for a progress line: Spark's latest report and the CSV rows written so far.
struct EtlProgress {
  spark::ExecutionProgress spark;
  int64_t rows_written = 0;
};

// The cluster's task slots (its default parallelism): a range with no partition count is split
// into that many partitions, and Spark Connect has no direct call for it.
Result<int> TaskSlots(spark::SparkSession& spark);

// Rows to become DIR/movimento_flat.csv: `rows`, the flat view's columns as text in the contract's
// order, already in the file's order (part files in partition order, each sorted); where it goes.
struct FlatCsvWrite {
  CsvDestination& destination;
  char delimiter = ',';
  CsvPreset preset = CsvPreset::kDefault;
};

// What WriteFlatCsv published and how long each half took.
struct WrittenCsv {
  std::string file;
  int64_t rows = 0;
  double seconds_spark = 0;
  double seconds_publish = 0;
};

// Has Spark write `rows` as CSV part files into a staging folder of the locked DIR, counting them as
// it writes, then publishes the destination's movimento_flat.csv when the file holds as many rows
// as Spark counted. `before_publish` runs between the two and can stop the publication (a source
// snapshot's last check). `describe_failure` turns a failed Spark write into the message to give.
Result<WrittenCsv> WriteFlatCsv(spark::DataFrame rows, const FlatCsvWrite& target,
                                const std::function<Status()>& before_publish,
                                const std::function<Status(const Status&)>& describe_failure,
                                const std::function<void(const EtlProgress&)>& progress = {});

// Runs the ETL. `source` is an open connection to options.source, whose schema the caller has
// checked (db::CheckSchema); every read of the run sees one instant of it (source_snapshot.h), so
// it holds a transaction until Spark has read everything and must not be used meanwhile. `spark` is
// a connected session. `destination` is options.output, locked by the caller until RunEtl returns. `log` receives one line per phase; `progress`, when set, each progress report of
// the Spark write. The file is published only when its rows are as many as Spark counted while
// writing them. On failure the previous movimento_flat.csv, if any, is untouched and no
// intermediate file stays in the destination.
Result<EtlSummary> RunEtl(spark::SparkSession& spark, db::Connection& source, CsvDestination& destination,
                          const EtlOptions& options, const std::function<void(const std::string&)>& log,
                          const std::function<void(const EtlProgress&)>& progress = {});

}  // namespace sicoop::pipeline
