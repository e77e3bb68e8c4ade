// The export, curated -> movimento_flat.csv (docs/lake.md): the contract's file
// (docs/output-contract.md) from the lake's curated table, byte for byte what a direct `sicoop
// etl` writes from the same state of the source.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "pipeline/csv_destination.h"
#include "pipeline/csv_output.h"
#include "pipeline/etl.h"
#include "spark/session.h"

namespace sicoop::lake {

struct ExportOptions {
  char delimiter = ',';
  bool spreadsheet_safe = false;
  pipeline::CsvPreset preset = pipeline::CsvPreset::kDefault;
  // A curated table of at least this many rows is read month by month (MonthRanges), each month one
  // Spark partition sorted within itself: no shuffle. Below it one global sort is faster, since each
  // month's read plans its own Iceberg scan (12 months of 5,000 rows: 3 s against 1.3 s), while at
  // 10M rows the months save 20 s of sampling and shuffle. The file is the same either way.
  int64_t min_rows_for_month_ranges = 1000000;
};

// Conditions on `column`, a TIMESTAMP_NTZ, that split rows of the given months (months since
// 1970-01, as Iceberg's months() numbers them) into ranges in time order: the rows without a time
// first, then one range per month (consecutive months merged beyond 240 ranges), the first open
// below and the last above, so every row falls in exactly one whatever months are listed. None for
// no months.
std::vector<std::string> MonthRanges(const std::string& column, std::vector<int64_t> months);

// Writes the curated table of the lake open in `spark`'s session as the CSV of `destination` (a
// folder or an S3 prefix, locked by the caller). The caller holds the lake's lock too, so no build
// replaces the table meanwhile.
Result<pipeline::WrittenCsv> ExportCsv(spark::SparkSession& spark, pipeline::CsvDestination& destination,
                                       const ExportOptions& options,
                                       const std::function<void(const pipeline::EtlProgress&)>& progress = {});

}  // namespace sicoop::lake
