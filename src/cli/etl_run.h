// What `sicoop etl` and `sicoop demo` share: given a source and an output, connect to Spark (the
// given endpoint, or the embedded local server), run the pipeline, and report.
#pragma once

#include <filesystem>
#include <optional>

#include "common/environment.h"
#include "common/status.h"
#include "pipeline/etl.h"
#include "spark/connection_string.h"

namespace sicoop::cli {

// How a run reports, besides the file (docs/etl-report.md).
struct ReportOptions {
  bool json = false;     // the summary as one JSON object (docs/schemas/etl-summary.schema.json)
  bool quiet = false;    // no phase lines nor progress; errors and the summary only
  bool verbose = false;  // phase lines also off a terminal, and the Spark endpoint
  std::filesystem::path log_file;  // when set, every line appended with its UTC time, errors too
};

// Checks the output folder and the source (reachable, schema present) before anything slow starts,
// then runs the ETL on `spark` or, when absent, on the embedded local Spark Connect server. Prints
// phase lines and Spark progress on stderr when it is a terminal, and the summary on stdout
// (`report` changes which).
// `environment` locates the local Spark and names the Spark session's user.
Result<pipeline::EtlSummary> RunEtlAndReport(const pipeline::EtlOptions& options,
                                             const std::optional<spark::ConnectionString>& spark,
                                             const Environment& environment, const ReportOptions& report = {});

}  // namespace sicoop::cli
