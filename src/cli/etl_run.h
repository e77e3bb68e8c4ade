// What `sicoop etl` and `sicoop demo` share: given a source and an output, connect to Spark (the
// given endpoint, or the embedded local server), run the pipeline, and report.
#pragma once

#include <filesystem>
#include <optional>

#include "cli/run_report.h"
#include "common/environment.h"
#include "common/status.h"
#include "db/jdbc_trust_store.h"
#include "pipeline/etl.h"
#include "local/local_server.h"
#include "spark/connection_string.h"
#include "spark/session.h"

namespace sicoop::cli {


// MySQL Connector/J reads no PEM CA (db/jdbc_trust_store.h): for a `source` with an ssl-ca, a trust
// store of its certificates, made with the JDK's keytool in `folder`, a run folder of the run's
// destination (CsvDestination::RunFolder: beside a local output, which Spark reaches at the same
// path since it writes there). Nothing for other sources.
Result<std::optional<db::JdbcTrustStore>> MakeJdbcTrustStore(const db::DbUrl& source, const std::filesystem::path& folder,
                                                              const Environment& environment);

// The Spark session of one run: on `endpoint`, or on the embedded local server (found or started,
// and stopped at the end when this run started it), opened for the environment's user; with progress
// reports every 500 ms when the reporter shows progress, and `session_settings` (StorageAccess's S3A
// settings) set on the session: a run that has them uses S3, so an embedded server started for it
// gets sicoop's AWS credentials too.
struct SparkForRun {
  std::optional<local::EmbeddedSpark> embedded;
  std::unique_ptr<spark::SparkSession> session;
};
Result<SparkForRun> ConnectSparkForRun(const std::optional<spark::ConnectionString>& endpoint,
                                       const Environment& environment, Reporter& reporter,
                                       const std::map<std::string, std::string>& session_settings = {});

// Checks the output folder and the source (reachable, schema present) before anything slow starts,
// then runs the ETL on `spark` or, when absent, on the embedded local Spark Connect server. Prints
// phase lines and Spark progress on stderr when it is a terminal, and the summary on stdout
// (`report` changes which).
// `environment` locates the local Spark and names the Spark session's user.
Result<pipeline::EtlSummary> RunEtlAndReport(const pipeline::EtlOptions& options,
                                             const std::optional<spark::ConnectionString>& spark,
                                             const Environment& environment, const ReportOptions& report = {});

}  // namespace sicoop::cli
