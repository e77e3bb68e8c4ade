#include "cli/etl_run.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>

#include "common/json.h"
#include "common/process.h"
#include "db/connection.h"
#include "db/jdbc_trust_store.h"
#include "db/schema.h"
#include "local/local_server.h"
#include "cli/storage_access.h"
#include "pipeline/csv_output.h"
#include "spark/progress.h"
#include "spark/session.h"

namespace sicoop::cli {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double TotalSeconds(const pipeline::EtlSummary& summary) {
  return summary.seconds_start + summary.seconds_plan + summary.seconds_spark + summary.seconds_publish;
}

std::string SummaryText(const pipeline::EtlSummary& summary) {
  std::string read;
  for (const auto& [table, rows] : summary.source_rows) {
    read += (read.empty() ? "" : ", ") + table + " " + std::to_string(rows);
  }
  char written[512];
  std::snprintf(written, sizeof(written),
                " rows written to %s in %.1f s (start-up %.1f s, source and plan %.1f s, Spark %.1f s, publish %.1f s)\n",
                summary.file.c_str(), TotalSeconds(summary), summary.seconds_start, summary.seconds_plan,
                summary.seconds_spark, summary.seconds_publish);
  return "rows read: " + read + "\n" + std::to_string(summary.rows_written) + written;
}

// The object of docs/schemas/etl-summary.schema.json, on one line.
std::string SummaryJson(const pipeline::EtlSummary& summary, const std::string& source, const std::string& run_id,
                        const std::string& spark_version) {
  std::string rows_read;
  for (const auto& [table, rows] : summary.source_rows) {
    rows_read += (rows_read.empty() ? "" : ",") + JsonString(table) + ":" + std::to_string(rows);
  }
  return "{\"schema_version\":1,\"run_id\":" + JsonString(run_id) + ",\"source\":" + JsonString(source) +
         ",\"file\":" + JsonString(summary.file) + ",\"rows_read\":{" + rows_read +
         "},\"rows_written\":" + std::to_string(summary.rows_written) +
         ",\"seconds\":{\"start\":" + JsonSeconds(summary.seconds_start) +
         ",\"plan\":" + JsonSeconds(summary.seconds_plan) + ",\"spark\":" + JsonSeconds(summary.seconds_spark) +
         ",\"publish\":" + JsonSeconds(summary.seconds_publish) + ",\"total\":" + JsonSeconds(TotalSeconds(summary)) +
         "},\"versions\":{\"sicoop\":" + JsonString(SICOOP_VERSION) + ",\"spark\":" + JsonString(spark_version) +
         "}}\n";
}



}  // namespace

Result<std::optional<db::JdbcTrustStore>> MakeJdbcTrustStore(const db::DbUrl& source, const std::filesystem::path& folder,
                                                              const Environment& environment) {
  if (source.dialect != db::Dialect::kMysql || source.tls.ca_file.empty()) {
    return std::optional<db::JdbcTrustStore>();
  }
  const std::string keytool = environment.java_home.empty()
                                  ? FindOnPath("keytool")
                                  : (std::filesystem::path(environment.java_home) / "bin" / "keytool").string();
  if (keytool.empty()) {
    return Status::Failure("ssl-ca needs the JDK's keytool to make the JDBC trust store, and there is no keytool on "
                           "PATH: run scripts/setup.sh, or set JAVA_HOME to a JDK");
  }
  SICOOP_ASSIGN_OR_RETURN(db::JdbcTrustStore store,
                          db::JdbcTrustStore::Make(source.tls.ca_file, folder, keytool));
  return std::optional<db::JdbcTrustStore>(std::move(store));
}

Result<SparkForRun> ConnectSparkForRun(const std::optional<spark::ConnectionString>& endpoint,
                                       const Environment& environment, Reporter& reporter,
                                       const std::map<std::string, std::string>& session_settings) {
  SparkForRun run;
  spark::ConnectionString target;
  if (endpoint) {
    target = *endpoint;
  } else {
    SICOOP_ASSIGN_OR_RETURN(auto started_server,
                            local::EmbeddedSpark::Start(
                                environment, [&reporter](const std::string& line) { reporter.Log(line); },
                                /*with_aws_credentials=*/!session_settings.empty()));
    run.embedded.emplace(std::move(started_server));
    target = run.embedded->connection_string();
  }
  reporter.Detail("Spark Connect endpoint " + target.Redacted());
  spark::SessionOptions session_options;
  session_options.user_name = environment.user;
  session_options.conf = session_settings;
  if (run.embedded) session_options.server_gone = run.embedded->ServerGoneCheck();
  // Spark reports every 2 s by default: a live line should move faster, and a short run should
  // show one at all. A session setting, so it changes nothing for other users of the server.
  if (reporter.ShowsProgress()) session_options.conf["spark.connect.progress.reportInterval"] = "500ms";
  SICOOP_ASSIGN_OR_RETURN(run.session, spark::SparkSession::Connect(target, session_options));
  return run;
}

namespace {

Result<pipeline::EtlSummary> RunAndReport(const pipeline::EtlOptions& options,
                                          const std::optional<spark::ConnectionString>& endpoint,
                                          const Environment& environment, const ReportOptions& report,
                                          Reporter& reporter) {
  const auto started = std::chrono::steady_clock::now();
  auto log = [&reporter](const std::string& line) { reporter.Log(line); };
  SICOOP_RETURN_IF_ERROR(CheckOutput(options.output));
  SICOOP_ASSIGN_OR_RETURN(StorageAccess storage, OpenStorage({options.output}, environment));
  SICOOP_ASSIGN_OR_RETURN(auto source, db::Connect(options.source));
  SICOOP_RETURN_IF_ERROR(db::CheckSchema(*source));
  // Before Spark: a folder another run writes into fails this run at once.
  SICOOP_ASSIGN_OR_RETURN(std::unique_ptr<pipeline::CsvDestination> destination, LockOutput(options.output, storage));
  reporter.Detail("run " + destination->run_id() + " of " + options.source.Redacted() + " into " +
                  options.output.ToString());
  SICOOP_ASSIGN_OR_RETURN(std::optional<db::JdbcTrustStore> trust_store,
                          MakeJdbcTrustStore(options.source, destination->RunFolder("jdbc-trust"), environment));
  pipeline::EtlOptions run_options = options;
  // The password the connection used, also when libpq found it itself (PGPASSWORD, ~/.pgpass).
  run_options.source.password = source->url().password;
  if (trust_store) run_options.source.tls.jdbc_trust_store = trust_store->path().string();

  SICOOP_ASSIGN_OR_RETURN(SparkForRun spark, ConnectSparkForRun(endpoint, environment, reporter, storage.spark_settings));
  auto& session = spark.session;
  const double seconds_start = SecondsSince(started);
  spark::TerminalProgress progress;
  std::function<void(const pipeline::EtlProgress&)> show_progress;
  if (reporter.ShowsProgress()) {
    show_progress = [&progress](const pipeline::EtlProgress& p) {
      progress.Show(spark::FormatProgress(p.spark) + ", " + std::to_string(p.rows_written) + " rows written");
    };
  }
  auto summary = pipeline::RunEtl(*session, *source, *destination, run_options, log, show_progress);
  progress.Finish();
  std::string spark_version;
  if (summary.ok() && report.json) {
    auto version = session->Version();
    if (version.ok()) spark_version = *version;
  }
  // The file is published (or not) whatever the release says; a session left behind expires on
  // the server.
  (void)session->Close();
  if (!summary.ok()) return summary;
  summary->seconds_start = seconds_start;
  const std::string text = SummaryText(*summary);
  for (size_t begin = 0, end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1) {
    reporter.ToFile(text.substr(begin, end - begin));
  }
  if (report.json) {
    std::fputs(SummaryJson(*summary, options.source.Redacted(), destination->run_id(), spark_version).c_str(), stdout);
  } else {
    std::fputs(text.c_str(), stdout);
  }
  return summary;
}

}  // namespace

Result<pipeline::EtlSummary> RunEtlAndReport(const pipeline::EtlOptions& options,
                                             const std::optional<spark::ConnectionString>& endpoint,
                                             const Environment& environment, const ReportOptions& report) {
  Reporter reporter(report);
  SICOOP_RETURN_IF_ERROR(reporter.Open());
  auto summary = RunAndReport(options, endpoint, environment, report, reporter);
  if (!summary.ok()) reporter.ToFile("error: " + summary.status().message());
  return summary;
}

}  // namespace sicoop::cli
