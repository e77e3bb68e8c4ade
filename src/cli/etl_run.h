// What `sicoop etl` and `sicoop demo` share: given a source and an output, connect to Spark (the
// given endpoint, or the embedded local server), run the pipeline, and report.
#pragma once

#include <optional>

#include "common/environment.h"
#include "common/status.h"
#include "pipeline/etl.h"
#include "spark/connection_string.h"

namespace sicoop::cli {

// Checks the output folder and the source (reachable, schema present) before anything slow starts,
// then runs the ETL on `spark` or, when absent, on the embedded local Spark Connect server. Prints
// phase lines and Spark progress on stderr when it is a terminal, and the summary on stdout.
// `environment` locates the local Spark and names the Spark session's user.
Result<pipeline::EtlSummary> RunEtlAndReport(const pipeline::EtlOptions& options,
                                             const std::optional<spark::ConnectionString>& spark,
                                             const Environment& environment);

}  // namespace sicoop::cli
