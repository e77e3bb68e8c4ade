#include "cli/lake_run.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/etl_run.h"
#include "db/connection.h"
#include "db/schema.h"
#include "lake/catalog.h"
#include "lake/curated_build.h"
#include "lake/run_manifest.h"
#include "pipeline/csv_output.h"
#include "pipeline/extract.h"
#include "pipeline/folder_lock.h"
#include "spark/progress.h"

namespace sicoop::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Creates the lake's folder when missing and takes its lock: one run at a time writes a lake.
Result<pipeline::FolderLock> LockLake(const fs::path& lake) {
  std::error_code error;
  fs::create_directories(lake, error);
  if (error || !fs::is_directory(lake, error)) {
    return Status::Failure("cannot use " + lake.string() + " as the lake's folder: " +
                           (error ? error.message() : std::string("it is a file")) + ": give --lake a folder path");
  }
  return pipeline::FolderLock::Acquire(lake, "sicoop-lake");
}

std::string SummaryText(const lake::RunRecord& record, double seconds, const fs::path& manifest) {
  std::string text;
  if (record.ingest) {
    const lake::IngestSummary& ingest = *record.ingest;
    const auto& movimento = ingest.tables.at("movimento");
    text += "ingest: movimento +" + std::to_string(movimento.rows_added) + " rows (" +
            std::to_string(movimento.rows_in_lake) + " in the lake), watermark " +
            (ingest.watermark_before ? std::to_string(*ingest.watermark_before) : "none") + " -> " +
            (ingest.watermark_after ? std::to_string(*ingest.watermark_after) : "none");
    for (const char* table : {"associado", "conta", "cartao"}) {
      text += ", " + std::string(table) + " " + std::to_string(ingest.tables.at(table).rows_in_lake);
    }
    text += "\n";
    for (const std::string& column : ingest.columns_added) text += "ingest: new source column " + column + " added\n";
  }
  if (record.build) {
    const lake::BuildSummary& build = *record.build;
    text += "build: " + lake::CuratedFlatTable() + " " + build.mode + ", " + std::to_string(build.rows) + " rows, " +
            std::to_string(build.raw_movimentos - build.rows) + " movimentos left out by the join\n";
  }
  if (record.exported) {
    text += std::to_string(record.exported->rows) + " rows written to " + record.exported->file.string() + "\n";
  }
  char total[64];
  std::snprintf(total, sizeof(total), "%.1f s", seconds);
  return text + "done in " + total + "; manifest " + manifest.string() + "\n";
}

Status RunPhases(const LakeRunOptions& options, const std::optional<spark::ConnectionString>& endpoint,
                 const Environment& environment, Reporter& reporter, lake::RunRecord& record) {
  auto start = Clock::now();
  if (options.output_dir) SICOOP_RETURN_IF_ERROR(pipeline::CheckOutputDir(*options.output_dir));
  std::unique_ptr<db::Connection> source;
  if (options.source) {
    SICOOP_ASSIGN_OR_RETURN(source, db::Connect(*options.source));
    SICOOP_RETURN_IF_ERROR(db::CheckSchema(*source));
  }
  SICOOP_ASSIGN_OR_RETURN(pipeline::FolderLock lake_lock, LockLake(options.lake));
  record.run_id = lake_lock.run_id();
  std::optional<pipeline::FolderLock> output_lock;
  if (options.output_dir) {
    SICOOP_ASSIGN_OR_RETURN(pipeline::FolderLock locked, pipeline::LockOutputDir(*options.output_dir));
    output_lock.emplace(std::move(locked));
  }
  reporter.Detail("run " + record.run_id + " on the lake " + options.lake.string());
  lake::IngestOptions ingest;
  if (source) {
    ingest.source = *options.source;
    // The password the connection used, also when libpq found it itself (PGPASSWORD, ~/.pgpass).
    ingest.source.password = source->url().password;
  }
  SICOOP_ASSIGN_OR_RETURN(std::optional<db::JdbcTrustStore> trust_store,
                          source ? MakeJdbcTrustStore(ingest.source, lake_lock, environment)
                                 : Result<std::optional<db::JdbcTrustStore>>(std::nullopt));
  if (trust_store) ingest.source.tls.jdbc_trust_store = trust_store->path().string();
  SICOOP_ASSIGN_OR_RETURN(SparkForRun spark, ConnectSparkForRun(endpoint, environment, reporter));
  std::error_code error;
  const fs::path location = fs::absolute(options.lake, error);
  if (error) return Status::Failure("cannot resolve the lake's path " + options.lake.string() + ": " + error.message());
  SICOOP_RETURN_IF_ERROR(lake::OpenLake(*spark.session, location.string()));
  record.seconds["start"] = SecondsSince(start);
  auto log = [&reporter](const std::string& line) { reporter.Log(line); };

  if (source) {
    start = Clock::now();
    ingest.lookback = options.lookback;
    ingest.partitions = options.partitions;
    ingest.run_id = record.run_id;
    const lake::CardTokenKey& key = *options.token_key;
    ingest.card_token_sql = [&key](const std::string& column) { return lake::CardTokenSql(key, column); };
    auto ingested = lake::Ingest(*spark.session, *source, ingest, log);
    if (!ingested.ok()) return pipeline::ExplainJdbcTimeout(ingested.status(), ingest.source);
    record.ingest = std::move(*ingested);
    if (!record.ingest->warning.empty()) reporter.Log("note: " + record.ingest->warning);
    record.seconds["ingest"] = SecondsSince(start);
  }
  if (options.build) {
    start = Clock::now();
    SICOOP_ASSIGN_OR_RETURN(lake::BuildSummary built, lake::BuildCurated(*spark.session, log));
    record.build = built;
    record.seconds["build"] = SecondsSince(start);
  }
  if (output_lock) {
    start = Clock::now();
    log("export " + lake::CuratedFlatTable() + " to " + (options.output_dir->string()) + "/" + pipeline::kFlatFileName);
    spark::TerminalProgress progress;
    std::function<void(const pipeline::EtlProgress&)> show_progress;
    if (reporter.ShowsProgress()) {
      show_progress = [&progress](const pipeline::EtlProgress& p) {
        progress.Show(spark::FormatProgress(p.spark) + ", " + std::to_string(p.rows_written) + " rows written");
      };
    }
    auto written = lake::ExportCsv(*spark.session, *output_lock, options.export_options, show_progress);
    progress.Finish();
    if (!written.ok()) return written.status();
    record.exported = lake::ExportRecord{written->file, written->rows};
    record.seconds["export"] = SecondsSince(start);
  }
  (void)spark.session->Close();
  return Status::Ok();
}

}  // namespace

Status RunLakeAndReport(const LakeRunOptions& options, const std::optional<spark::ConnectionString>& spark,
                        const Environment& environment, const ReportOptions& report) {
  const auto started = Clock::now();
  Reporter reporter(report);
  SICOOP_RETURN_IF_ERROR(reporter.Open());
  lake::RunRecord record;
  record.command = options.command;
  record.started_at = std::chrono::system_clock::now();
  record.lake = options.lake.string();
  if (options.source) {
    db::DbUrl without_password = *options.source;
    without_password.password.clear();
    record.source = without_password.Redacted();
  }
  Status ran = RunPhases(options, spark, environment, reporter, record);
  if (!ran.ok()) record.error = ran.message();
  // A run that never held the lake's lock has no id and writes nothing into the lake.
  if (record.run_id.empty()) {
    reporter.ToFile("error: " + ran.message());
    return ran;
  }
  auto manifest = lake::WriteManifest(options.lake, record);
  if (!ran.ok()) {
    reporter.ToFile("error: " + ran.message());
    return ran;
  }
  if (!manifest.ok()) return manifest.status();
  const std::string text = SummaryText(record, SecondsSince(started), *manifest);
  for (size_t begin = 0, end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1) {
    reporter.ToFile(text.substr(begin, end - begin));
  }
  std::fputs(report.json ? lake::ManifestJson(record).c_str() : text.c_str(), stdout);
  return Status::Ok();
}

}  // namespace sicoop::cli
