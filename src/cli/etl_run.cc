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

std::string JsonString(const std::string& text) {
  std::string quoted = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += static_cast<char>(c);
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
      quoted += escaped;
    } else {
      quoted += static_cast<char>(c);
    }
  }
  return quoted + "\"";
}

std::string JsonSeconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3f", seconds);
  return text;
}

// The object of docs/schemas/etl-summary.schema.json, on one line.
std::string SummaryJson(const pipeline::EtlSummary& summary, const std::string& source, const std::string& run_id,
                        const std::string& spark_version) {
  std::string rows_read;
  for (const auto& [table, rows] : summary.source_rows) {
    rows_read += (rows_read.empty() ? "" : ",") + JsonString(table) + ":" + std::to_string(rows);
  }
  return "{\"schema_version\":1,\"run_id\":" + JsonString(run_id) + ",\"source\":" + JsonString(source) +
         ",\"file\":" + JsonString(summary.file.string()) + ",\"rows_read\":{" + rows_read +
         "},\"rows_written\":" + std::to_string(summary.rows_written) +
         ",\"seconds\":{\"start\":" + JsonSeconds(summary.seconds_start) +
         ",\"plan\":" + JsonSeconds(summary.seconds_plan) + ",\"spark\":" + JsonSeconds(summary.seconds_spark) +
         ",\"publish\":" + JsonSeconds(summary.seconds_publish) + ",\"total\":" + JsonSeconds(TotalSeconds(summary)) +
         "},\"versions\":{\"sicoop\":" + JsonString(SICOOP_VERSION) + ",\"spark\":" + JsonString(spark_version) +
         "}}\n";
}

// Where a run's lines go: stderr as ReportOptions says, and the log file, if any, every one.
class Reporter {
 public:
  explicit Reporter(const ReportOptions& options) : options_(options), on_terminal_(StderrIsTerminal()) {}

  Status Open() {
    if (options_.log_file.empty()) return Status::Ok();
    file_.open(options_.log_file, std::ios::app);
    if (!file_) {
      return Status::Failure("cannot open the log file " + options_.log_file.string() + " for appending: " +
                             std::strerror(errno) + ": check --log-file");
    }
    return Status::Ok();
  }
  bool ShowsProgress() const { return on_terminal_ && !options_.quiet; }
  // A phase line.
  void Log(const std::string& line) {
    if (!options_.quiet && (on_terminal_ || options_.verbose)) std::cerr << "sicoop: " << line << "\n";
    ToFile(line);
  }
  // A line that only --verbose shows.
  void Detail(const std::string& line) {
    if (options_.verbose && !options_.quiet) std::cerr << "sicoop: " << line << "\n";
    ToFile(line);
  }
  void ToFile(const std::string& line) {
    if (!file_.is_open()) return;
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[40];
    std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &utc);
    char with_millis[48];
    std::snprintf(with_millis, sizeof(with_millis), "%s.%03dZ", stamp, static_cast<int>(millis));
    file_ << with_millis << " " << line << "\n" << std::flush;
  }

 private:
  const ReportOptions& options_;
  bool on_terminal_;
  std::ofstream file_;
};

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


Result<pipeline::EtlSummary> RunAndReport(const pipeline::EtlOptions& options,
                                          const std::optional<spark::ConnectionString>& endpoint,
                                          const Environment& environment, const ReportOptions& report,
                                          Reporter& reporter) {
  const auto started = std::chrono::steady_clock::now();
  auto log = [&reporter](const std::string& line) { reporter.Log(line); };
  SICOOP_RETURN_IF_ERROR(pipeline::CheckOutputDir(options.output_dir));
  SICOOP_ASSIGN_OR_RETURN(auto source, db::Connect(options.source));
  SICOOP_RETURN_IF_ERROR(db::CheckSchema(*source));
  // Before Spark: a folder another run writes into fails this run at once.
  SICOOP_ASSIGN_OR_RETURN(pipeline::FolderLock output_lock, pipeline::LockOutputDir(options.output_dir));
  reporter.Detail("run " + output_lock.run_id() + " of " + options.source.Redacted() + " into " +
                  options.output_dir.string());
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
    SICOOP_ASSIGN_OR_RETURN(auto started_server, local::EmbeddedSpark::Start(environment, log));
    embedded.emplace(std::move(started_server));
    target = embedded->connection_string();
  }
  reporter.Detail("Spark Connect endpoint " + target.Redacted());
  spark::SessionOptions session_options;
  session_options.user_name = environment.user;
  // Spark reports every 2 s by default: a live line should move faster, and a short run should
  // show one at all. A session setting, so it changes nothing for other users of the server.
  if (reporter.ShowsProgress()) session_options.conf["spark.connect.progress.reportInterval"] = "500ms";
  SICOOP_ASSIGN_OR_RETURN(auto session, spark::SparkSession::Connect(target, session_options));
  const double seconds_start = SecondsSince(started);
  spark::TerminalProgress progress;
  std::function<void(const pipeline::EtlProgress&)> show_progress;
  if (reporter.ShowsProgress()) {
    show_progress = [&progress](const pipeline::EtlProgress& p) {
      progress.Show(spark::FormatProgress(p.spark) + ", " + std::to_string(p.rows_written) + " rows written");
    };
  }
  auto summary = pipeline::RunEtl(*session, *source, output_lock, run_options, log, show_progress);
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
    std::fputs(SummaryJson(*summary, options.source.Redacted(), output_lock.run_id(), spark_version).c_str(), stdout);
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
