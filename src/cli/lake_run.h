// What `sicoop etl --lake` and `sicoop lake ingest|build|export` share (docs/lake.md): lock the
// lake (and the output folder), connect to the source and to Spark, open the lake, run the phases
// asked for in order — ingest, build, export — write the run's manifest into the lake, and report.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "cli/run_report.h"
#include "common/environment.h"
#include "common/status.h"
#include "db/db_url.h"
#include "lake/card_token.h"
#include "lake/csv_export.h"
#include "lake/raw_ingest.h"
#include "spark/connection_string.h"
#include "storage/location.h"

namespace sicoop::cli {

struct LakeRunOptions {
  std::string command;          // as the manifest names it: "etl --lake", "lake ingest", ...
  storage::Location lake;       // a local folder or an S3 prefix
  // Ingest, when set: from this source, tokenising card numbers with the key.
  std::optional<db::DbUrl> source;
  std::optional<lake::CardTokenKey> token_key;
  int64_t lookback = lake::kDefaultLookback;
  int partitions = 0;
  bool build = false;
  // Export, when set: into this folder or S3 prefix.
  std::optional<storage::Location> output;
  lake::ExportOptions export_options;
};

// Runs the phases of `options` on `spark` or the embedded local server. Prints phase lines and
// progress on stderr as `report` says, the summary (or, with --json, the manifest) on stdout.
Status RunLakeAndReport(const LakeRunOptions& options, const std::optional<spark::ConnectionString>& spark,
                        const Environment& environment, const ReportOptions& report);

}  // namespace sicoop::cli
