#include "cli/etl_run.h"

#include <unistd.h>

#include <cstdio>
#include <functional>
#include <iostream>

#include "common/process.h"
#include "db/connection.h"
#include "db/jdbc_trust_store.h"
#include "db/schema.h"
#include "local/local_server.h"
#include "pipeline/csv_output.h"
#include "spark/progress.h"
#include "spark/session.h"

namespace sicoop::cli {
namespace {

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

void PrintSummary(const pipeline::EtlSummary& summary) {
  std::string read;
  for (const auto& [table, rows] : summary.source_rows) {
    read += (read.empty() ? "" : ", ") + table + " " + std::to_string(rows);
  }
  std::printf("rows read: %s\n", read.c_str());
  std::printf("%lld rows written to %s in %.1f s (source and plan %.1f s, Spark %.1f s, publish %.1f s)\n",
              static_cast<long long>(summary.rows_written), summary.file.c_str(),
              summary.seconds_plan + summary.seconds_spark + summary.seconds_publish,
              summary.seconds_plan, summary.seconds_spark, summary.seconds_publish);
}

// MySQL Connector/J reads no PEM CA (db/jdbc_trust_store.h): for an ssl-ca, a trust store of its
// certificates, made with the JDK's keytool in a folder of this run inside the output folder (cleared
// with the staging folders if the run dies), which
// Spark reaches at the same path wherever it runs since it writes its parts there.
Result<std::optional<db::JdbcTrustStore>> MakeJdbcTrustStore(const pipeline::EtlOptions& options,
                                                              const pipeline::FolderLock& output_lock,
                                                              const Environment& environment) {
  if (options.source.dialect != db::Dialect::kMysql || options.source.tls.ca_file.empty()) {
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
                          db::JdbcTrustStore::Make(options.source.tls.ca_file,
                                                   pipeline::RunFolder(output_lock, "jdbc-trust"), keytool));
  return std::optional<db::JdbcTrustStore>(std::move(store));
}

}  // namespace

Result<pipeline::EtlSummary> RunEtlAndReport(const pipeline::EtlOptions& options,
                                             const std::optional<spark::ConnectionString>& endpoint,
                                             const Environment& environment) {
  bool on_terminal = StderrIsTerminal();
  auto log = [on_terminal](const std::string& line) {
    if (on_terminal) std::cerr << "sicoop: " << line << "\n";
  };
  SICOOP_RETURN_IF_ERROR(pipeline::CheckOutputDir(options.output_dir));
  SICOOP_ASSIGN_OR_RETURN(auto source, db::Connect(options.source));
  SICOOP_RETURN_IF_ERROR(db::CheckSchema(*source));
  // Before Spark: a folder another run writes into fails this run at once.
  SICOOP_ASSIGN_OR_RETURN(pipeline::FolderLock output_lock, pipeline::LockOutputDir(options.output_dir));
  SICOOP_ASSIGN_OR_RETURN(std::optional<db::JdbcTrustStore> trust_store, MakeJdbcTrustStore(options, output_lock, environment));
  pipeline::EtlOptions run_options = options;
  // The password the connection used, also when libpq found it itself (PGPASSWORD, ~/.pgpass).
  run_options.source.password = source->url().password;
  if (trust_store) run_options.source.tls.jdbc_trust_store = trust_store->path().string();

  std::optional<local::EmbeddedSpark> embedded;
  spark::ConnectionString target;
  if (endpoint) {
    target = *endpoint;
  } else {
    log("starting or reusing the local Spark Connect server");
    SICOOP_ASSIGN_OR_RETURN(auto started, local::EmbeddedSpark::Start(environment));
    embedded.emplace(std::move(started));
    target = embedded->connection_string();
  }
  spark::SessionOptions session_options;
  session_options.user_name = environment.user;
  // Spark reports every 2 s by default: a live line should move faster, and a short run should
  // show one at all. A session setting, so it changes nothing for other users of the server.
  if (on_terminal) session_options.conf["spark.connect.progress.reportInterval"] = "500ms";
  SICOOP_ASSIGN_OR_RETURN(auto session, spark::SparkSession::Connect(target, session_options));
  spark::TerminalProgress progress;
  std::function<void(const pipeline::EtlProgress&)> show_progress;
  if (on_terminal) {
    show_progress = [&progress](const pipeline::EtlProgress& p) {
      progress.Show(spark::FormatProgress(p.spark) + ", " + std::to_string(p.rows_written) + " rows written");
    };
  }
  auto summary = pipeline::RunEtl(*session, *source, output_lock, run_options, log, show_progress);
  progress.Finish();
  // The file is published (or not) whatever the release says; a session left behind expires on
  // the server.
  (void)session->Close();
  if (summary.ok()) PrintSummary(*summary);
  return summary;
}

}  // namespace sicoop::cli
