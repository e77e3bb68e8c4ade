#include "cli/lake_run.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/etl_run.h"
#include "cli/storage_access.h"
#include "db/connection.h"
#include "db/schema.h"
#include "lake/catalog.h"
#include "lake/curated_build.h"
#include "lake/gold_build.h"
#include "lake/run_figures.h"
#include "lake/run_manifest.h"
#include "pipeline/csv_output.h"
#include "pipeline/extract.h"
#include "pipeline/folder_lock.h"
#include "report/run_page.h"
#include "spark/progress.h"
#include "storage/object_lock.h"

namespace sicoop::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// The lock of a lake: one run at a time writes a lake. A local lake's is a lock file in its folder
// (pipeline/folder_lock.h), an S3 lake's a lease object under its prefix (storage/object_lock.h).
class LakeLock {
 public:
  static Result<LakeLock> Acquire(const storage::Location& lake, const StorageAccess& access) {
    LakeLock lock;
    if (lake.is_object()) {
      SICOOP_ASSIGN_OR_RETURN(std::unique_ptr<storage::S3Client> lock_client, access.NewClient());
      SICOOP_ASSIGN_OR_RETURN(lock.object_, storage::ObjectLock::Acquire(std::move(lock_client), lake.object().bucket,
                                                                         lake.object().prefix, kLockName));
      return lock;
    }
    std::error_code error;
    fs::create_directories(lake.path(), error);
    if (error || !fs::is_directory(lake.path(), error)) {
      return Status::Failure("cannot use " + lake.path().string() + " as the lake's folder: " +
                             (error ? error.message() : std::string("it is a file")) + ": give --lake a folder path");
    }
    SICOOP_ASSIGN_OR_RETURN(pipeline::FolderLock folder, pipeline::FolderLock::Acquire(lake.path(), kLockName));
    lock.folder_.emplace(std::move(folder));
    return lock;
  }

  const std::string& run_id() const { return folder_ ? folder_->run_id() : object_->run_id(); }
  // Fails when another run took an S3 lake's lease over (this one was frozen past it): a run must
  // then commit nothing more.
  Status Check() const { return object_ ? object_->Check() : Status::Ok(); }
  // A folder for this run's files that the Spark server reads (the JDBC trust store): beside a local
  // lake, in the temporary folder for an S3 one.
  fs::path RunFolder(const std::string& purpose) const {
    return folder_ ? pipeline::RunFolder(*folder_, purpose) : storage::TemporaryRunFolder(run_id(), purpose);
  }

 private:
  static constexpr const char* kLockName = "sicoop-lake";
  std::optional<pipeline::FolderLock> folder_;
  std::unique_ptr<storage::ObjectLock> object_;
};

std::string SummaryText(const lake::RunRecord& record, double seconds, const std::string& manifest,
                        const std::string& page) {
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
  if (record.gold) {
    for (const auto& [name, table] : record.gold->tables) {
      std::string months;
      for (const std::string& month : table.months) months += (months.empty() ? " " : ", ") + month;
      text += "gold: " + lake::GoldTable(name) + " " + table.mode + months + ", " + std::to_string(table.rows) + " rows\n";
    }
  }
  if (record.exported) {
    text += std::to_string(record.exported->rows) + " rows written to " + record.exported->file + "\n";
  }
  char total[64];
  std::snprintf(total, sizeof(total), "%.1f s", seconds);
  return text + "done in " + total + "; manifest " + manifest + "; page " + page + "\n";
}

Status RunPhases(const LakeRunOptions& options, const StorageAccess& storage,
                 const std::optional<spark::ConnectionString>& endpoint, const Environment& environment,
                 Reporter& reporter, lake::RunRecord& record, report::RunDays& per_day) {
  auto start = Clock::now();
  if (options.output) SICOOP_RETURN_IF_ERROR(CheckOutput(*options.output));
  std::unique_ptr<db::Connection> source;
  if (options.source) {
    SICOOP_ASSIGN_OR_RETURN(source, db::Connect(*options.source));
    SICOOP_RETURN_IF_ERROR(db::CheckSchema(*source));
  }
  SICOOP_ASSIGN_OR_RETURN(LakeLock lake_lock, LakeLock::Acquire(options.lake, storage));
  record.run_id = lake_lock.run_id();
  std::unique_ptr<pipeline::CsvDestination> destination;
  if (options.output) {
    SICOOP_ASSIGN_OR_RETURN(destination, LockOutput(*options.output, storage));
  }
  reporter.Detail("run " + record.run_id + " on the lake " + options.lake.ToString());
  lake::IngestOptions ingest;
  if (source) {
    ingest.source = *options.source;
    // The password the connection used, also when libpq found it itself (PGPASSWORD, ~/.pgpass).
    ingest.source.password = source->url().password;
  }
  SICOOP_ASSIGN_OR_RETURN(std::optional<db::JdbcTrustStore> trust_store,
                          source ? MakeJdbcTrustStore(ingest.source, lake_lock.RunFolder("jdbc-trust"), environment)
                                 : Result<std::optional<db::JdbcTrustStore>>(std::nullopt));
  if (trust_store) ingest.source.tls.jdbc_trust_store = trust_store->path().string();
  SICOOP_ASSIGN_OR_RETURN(SparkForRun spark, ConnectSparkForRun(endpoint, environment, reporter, storage.spark_settings));
  SICOOP_ASSIGN_OR_RETURN(const std::string location, SparkUri(options.lake));
  SICOOP_RETURN_IF_ERROR(lake::OpenLake(*spark.session, location));
  record.seconds["start"] = SecondsSince(start);
  auto log = [&reporter](const std::string& line) { reporter.Log(line); };

  if (source) {
    SICOOP_RETURN_IF_ERROR(lake_lock.Check());
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
    // For the run's page, while the session is open. Without them the page says why and shows no
    // chart: the run itself is not failed for a figure of its page.
    auto days = lake::MovimentosPerDayOfRun(*spark.session, record.run_id);
    if (days.ok()) {
      per_day.days = std::move(*days);
    } else {
      per_day.error = days.status().message();
      reporter.Log("note: the run's page shows no movimentos per day: " + per_day.error);
    }
  }
  if (options.build) {
    SICOOP_RETURN_IF_ERROR(lake_lock.Check());
    start = Clock::now();
    SICOOP_ASSIGN_OR_RETURN(lake::BuildSummary built, lake::BuildCurated(*spark.session, log));
    record.build = built;
    // The gold tables are part of the build phase (docs/lake.md), timed with curated.
    SICOOP_RETURN_IF_ERROR(lake_lock.Check());
    SICOOP_ASSIGN_OR_RETURN(lake::GoldSummary gold, lake::BuildGold(*spark.session, log));
    record.gold = std::move(gold);
    record.seconds["build"] = SecondsSince(start);
  }
  if (destination) {
    start = Clock::now();
    log("export " + lake::CuratedFlatTable() + " to " + destination->FileName());
    spark::TerminalProgress progress;
    std::function<void(const pipeline::EtlProgress&)> show_progress;
    if (reporter.ShowsProgress()) {
      show_progress = [&progress](const pipeline::EtlProgress& p) {
        progress.Show(spark::FormatProgress(p.spark) + ", " + std::to_string(p.rows_written) + " rows written");
      };
    }
    auto written = lake::ExportCsv(*spark.session, *destination, options.export_options, show_progress);
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
  record.lake = options.lake.ToString();
  if (options.source) {
    db::DbUrl without_password = *options.source;
    without_password.password.clear();
    record.source = without_password.Redacted();
  }
  // S3 credentials and buckets are checked before anything else; a run that fails there holds no
  // lock and writes no manifest.
  auto storage = OpenStorage(options.output ? std::vector{options.lake, *options.output} : std::vector{options.lake},
                             environment);
  if (!storage.ok()) {
    reporter.ToFile("error: " + storage.status().message());
    return storage.status();
  }
  report::RunDays per_day;
  Status ran = RunPhases(options, *storage, spark, environment, reporter, record, per_day);
  if (!ran.ok()) record.error = ran.message();
  // A run that never held the lake's lock has no id and writes nothing into the lake.
  if (record.run_id.empty()) {
    reporter.ToFile("error: " + ran.message());
    return ran;
  }
  const std::unique_ptr<storage::SmallFiles> lake_files = LakeFiles(options.lake, *storage);
  auto manifest = lake::WriteManifest(*lake_files, record);
  // The run's page beside its manifest, a failed run's too. A page that cannot be written fails the
  // command like a manifest that cannot (exit 1, saying that the run's data is committed), so that
  // a run never ends without the records it promises and without saying so (docs/reports.md).
  const std::string page_name = report::RunPageName(lake::ManifestName(record));
  Status page = lake_files->WriteWhole(page_name, report::RunPageHtml(record, per_day));
  if (!page.ok()) {
    page = page.WithContext("the run " + record.run_id + " " + (ran.ok() ? "committed" : "failed") +
                            ", but its page " + lake_files->Describe(page_name) +
                            " could not be written (its manifest holds the same figures)");
  }
  if (!ran.ok()) {
    reporter.ToFile("error: " + ran.message());
    if (!page.ok()) reporter.Log("note: " + page.message());
    return ran;
  }
  if (!manifest.ok()) return manifest.status();
  if (!page.ok()) return page;
  const std::string text = SummaryText(record, SecondsSince(started), *manifest, lake_files->Describe(page_name));
  for (size_t begin = 0, end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1) {
    reporter.ToFile(text.substr(begin, end - begin));
  }
  std::fputs(report.json ? lake::ManifestJson(record).c_str() : text.c_str(), stdout);
  return Status::Ok();
}

}  // namespace sicoop::cli
