#include "cli/lake_inspect_command.h"

#include <cstdio>
#include <filesystem>
#include <regex>

#include "cli/db_timeout.h"
#include "cli/etl_run.h"
#include "cli/help_catalog.h"
#include "cli/lake_options.h"
#include "cli/profile.h"
#include "cli/storage_access.h"
#include "cli/source_database.h"
#include "common/json.h"
#include "common/numbers.h"
#include "db/connection.h"
#include "db/schema.h"
#include "db/tables.h"
#include "lake/catalog.h"
#include "lake/reconcile.h"
#include "lake/run_manifest.h"
#include "storage/location.h"
#include "storage/small_files.h"

namespace sicoop::cli {
namespace {

namespace fs = std::filesystem;

OptionSpec ReadLakeOption() {
  return {"lake", "PATH", "the lake's folder (or SICOOP_LAKE, or the profile's lake); only read", ""};
}

// The options show and verify share, after their own.
std::vector<OptionSpec> WithReadingOptions(std::vector<OptionSpec> own, const std::string& json) {
  return LakeCommandOptions(ReadLakeOption(), std::move(own), json);
}

const CommandSpec& ShowSpec() {
  static const CommandSpec spec = {
      "sicoop lake show --lake PATH [options]",
      "Shows the lake: each table with its rows and current snapshot, the commits of raw.movimento\n"
      "(run, watermark, rows added) and of the curated table, and the last runs' manifests.",
      WithReadingOptions({{"runs", "N", "how many of the last runs' manifests to show", "5"}},
                         "print one object (docs/schemas/lake-show.schema.json) instead of the text")};
  return spec;
}

const CommandSpec& VerifySpec() {
  static const CommandSpec spec = {
      "sicoop lake verify --db URL --lake PATH [options]",
      "Reconciles the lake with its source per day of data_movimento: rows and sum of vlr_transacao\n"
      "of the source's movimentos up to the watermark against raw.movimento, and of those the join\n"
      "keeps against curated.movimento_flat. Lists every day that differs; exit status 1 if any.",
      WithReadingOptions({{"db", "URL", "source database: postgresql://USER@HOST[:PORT]/DB or mysql://... (or SICOOP_DB_URL, or the profile's db)", ""},
                          DbPasswordFileOption(),
                          kDbTimeoutOption},
                         "print one object (docs/schemas/lake-verify.schema.json) instead of the text")};
  return spec;
}

// Prints `text` on stdout and, line by line, into the log file.
void PrintResult(Reporter& reporter, const std::string& text, const std::optional<std::string>& json) {
  for (size_t begin = 0, end; (end = text.find('\n', begin)) != std::string::npos; begin = end + 1) {
    reporter.ToFile(text.substr(begin, end - begin));
  }
  std::fputs(json ? json->c_str() : text.c_str(), stdout);
}

// ---- show

struct TableState {
  std::string name;         // "raw.movimento"
  std::string snapshot_id;  // empty: no such table
  int64_t rows = 0;
};

std::string ShortName(const std::string& table) { return table.substr(table.find('.') + 1); }

// The rows of every table at its current snapshot, in one query.
Result<std::vector<TableState>> TableStates(spark::SparkSession& spark) {
  std::vector<std::string> tables;
  for (const db::TableDesc& table : db::SourceSchema()) tables.push_back(lake::RawTable(table));
  tables.push_back(lake::CuratedFlatTable());
  std::vector<TableState> states;
  std::string counts;
  for (const std::string& table : tables) {
    SICOOP_ASSIGN_OR_RETURN(std::vector<lake::TableSnapshot> history, lake::CurrentHistory(spark, table));
    states.push_back({ShortName(table), history.empty() ? "" : history.back().id, 0});
    if (history.empty()) continue;
    counts += std::string(counts.empty() ? "" : " UNION ALL ") + "SELECT " + std::to_string(states.size() - 1) +
              ", count(*) FROM " + table + " VERSION AS OF " + history.back().id;
  }
  if (counts.empty()) return states;
  auto rows = spark.Sql(counts).Collect();
  if (!rows.ok()) return rows.status().WithContext("Spark could not count the rows of the lake's tables");
  for (const spark::Row& row : rows->rows) {
    std::optional<int64_t> index = row.size() == 2 && row[0] ? ParseInteger(*row[0]) : std::nullopt;
    std::optional<int64_t> count = row.size() == 2 && row[1] ? ParseInteger(*row[1]) : std::nullopt;
    if (!index || !count || *index < 0 || *index >= static_cast<int64_t>(states.size())) {
      return Status::Failure("Spark gave no row count for a table of the lake");
    }
    states[*index].rows = *count;
  }
  return states;
}

std::string SummaryValue(const lake::TableSnapshot& snapshot, const std::string& key) {
  auto found = snapshot.summary.find(key);
  return found == snapshot.summary.end() ? "" : found->second;
}

// Iceberg leaves added-records out of a commit that added no rows (an ingest that found nothing new).
std::string RowsAdded(const lake::TableSnapshot& commit) {
  const std::string added = SummaryValue(commit, "added-records");
  return added.empty() ? "0" : added;
}

std::string JsonNumberOrNull(const std::string& text) { return ParseInteger(text) ? text : "null"; }
std::string JsonStringOrNull(const std::string& text) { return text.empty() ? "null" : JsonString(text); }

struct ShowState {
  std::string lake;
  std::optional<int64_t> watermark;
  std::vector<TableState> tables;
  std::vector<lake::TableSnapshot> raw_commits, curated_commits;
  int64_t run_count = 0;
  std::vector<std::string> runs;  // the last ones, oldest first, as people read their place
  std::vector<std::string> manifests;  // their text, in the same order
};

// The run's command and status, as its manifest (our own one-line JSON) states them.
std::string RunOutcome(const std::string& manifest) {
  static const std::regex fields(R"re("command":"([^"]*)".*"status":"([a-z]+)")re");
  std::smatch found;
  if (!std::regex_search(manifest, found, fields)) return "(unreadable)";
  return found[1].str() + ", " + found[2].str();
}

// The manifest's text without its trailing blanks; empty when it cannot be read.
std::string ReadManifest(storage::SmallFiles& lake, const std::string& name) {
  auto text = lake.Read(name);
  std::string manifest = text.ok() ? *text : "";
  while (!manifest.empty() && (manifest.back() == '\n' || manifest.back() == ' ')) manifest.pop_back();
  return manifest;
}

std::string ShowText(const ShowState& state) {
  std::string text = "lake " + state.lake + ", watermark " +
                     (state.watermark ? std::to_string(*state.watermark) : std::string("none (no ingest yet)")) + "\n";
  text += "tables:\n";
  for (const TableState& table : state.tables) {
    char line[200];
    if (table.snapshot_id.empty()) {
      std::snprintf(line, sizeof(line), "  %-24s not created yet\n", table.name.c_str());
    } else {
      std::snprintf(line, sizeof(line), "  %-24s %12lld rows  snapshot %s\n", table.name.c_str(),
                    static_cast<long long>(table.rows), table.snapshot_id.c_str());
    }
    text += line;
  }
  text += "commits of raw.movimento (UTC):\n";
  for (const lake::TableSnapshot& commit : state.raw_commits) {
    const std::string watermark = SummaryValue(commit, lake::kWatermarkProperty);
    text += "  " + commit.committed_at + "  run " + SummaryValue(commit, lake::kRunProperty) + "  watermark " +
            (watermark.empty() ? "-" : watermark) + "  +" + RowsAdded(commit) + " rows\n";
  }
  text += "commits of curated.movimento_flat (UTC):\n";
  for (const lake::TableSnapshot& commit : state.curated_commits) {
    text += "  " + commit.committed_at + "  " + SummaryValue(commit, "total-records") + " rows\n";
  }
  text += "last runs (" + std::to_string(state.runs.size()) + " of " + std::to_string(state.run_count) + "):\n";
  for (size_t i = 0; i < state.runs.size(); ++i) text += "  " + state.runs[i] + "  " + RunOutcome(state.manifests[i]) + "\n";
  return text;
}

std::string ShowJson(const ShowState& state) {
  std::string tables, raw_commits, curated_commits, runs;
  for (const TableState& table : state.tables) {
    tables += (tables.empty() ? "" : ",") + std::string("{\"name\":") + JsonString(table.name) +
              ",\"exists\":" + (table.snapshot_id.empty() ? "false" : "true") +
              ",\"rows\":" + std::to_string(table.rows) + ",\"snapshot_id\":" + JsonStringOrNull(table.snapshot_id) + "}";
  }
  for (const lake::TableSnapshot& commit : state.raw_commits) {
    raw_commits += (raw_commits.empty() ? "" : ",") + std::string("{\"committed_at\":") +
                   JsonString(commit.committed_at) + ",\"snapshot_id\":" + JsonString(commit.id) +
                   ",\"operation\":" + JsonString(commit.operation) +
                   ",\"run_id\":" + JsonStringOrNull(SummaryValue(commit, lake::kRunProperty)) +
                   ",\"watermark\":" + JsonNumberOrNull(SummaryValue(commit, lake::kWatermarkProperty)) +
                   ",\"rows_added\":" + RowsAdded(commit) + "}";
  }
  for (const lake::TableSnapshot& commit : state.curated_commits) {
    curated_commits += (curated_commits.empty() ? "" : ",") + std::string("{\"committed_at\":") +
                       JsonString(commit.committed_at) + ",\"snapshot_id\":" + JsonString(commit.id) +
                       ",\"rows\":" + JsonNumberOrNull(SummaryValue(commit, "total-records")) + "}";
  }
  for (size_t i = 0; i < state.runs.size(); ++i) {
    const std::string& manifest = state.manifests[i];
    runs += (runs.empty() ? "" : ",") + std::string("{\"file\":") + JsonString(state.runs[i]) +
            ",\"manifest\":" + (manifest.empty() || manifest.front() != '{' ? "null" : manifest) + "}";
  }
  return "{\"schema_version\":1,\"lake\":" + JsonString(state.lake) + ",\"watermark\":" +
         (state.watermark ? std::to_string(*state.watermark) : "null") + ",\"tables\":[" + tables +
         "],\"raw_movimento_commits\":[" + raw_commits + "],\"curated_commits\":[" + curated_commits +
         "],\"run_count\":" + std::to_string(state.run_count) + ",\"runs\":[" + runs + "]}\n";
}

}  // namespace

Status LakeShow(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> parsed,
                          ParseLakeCommand(ShowSpec(), args, environment, {"spark", "lake"}, {"lake"}));
  if (!parsed) return Status::Ok();
  SICOOP_ASSIGN_OR_RETURN(int64_t run_limit, parsed->GetInt("runs", 0, 1000000));
  SICOOP_ASSIGN_OR_RETURN(ReportOptions report, ReportOptionsFrom(*parsed));
  SICOOP_ASSIGN_OR_RETURN(std::optional<spark::ConnectionString> endpoint, SparkEndpoint(*parsed));
  SICOOP_ASSIGN_OR_RETURN(storage::Location lake, ExistingLake(*parsed));
  Reporter reporter(report);
  SICOOP_RETURN_IF_ERROR(reporter.Open());
  SICOOP_ASSIGN_OR_RETURN(StorageAccess storage, OpenStorage({lake}, environment));
  SICOOP_ASSIGN_OR_RETURN(SparkForRun spark, ConnectSparkForRun(endpoint, environment, reporter, storage.spark_settings));
  SICOOP_ASSIGN_OR_RETURN(const std::string location, SparkUri(lake));
  SICOOP_RETURN_IF_ERROR(lake::OpenLakeToRead(*spark.session, location));

  ShowState state;
  state.lake = parsed->Get("lake");
  SICOOP_ASSIGN_OR_RETURN(state.raw_commits, lake::CurrentHistory(*spark.session, lake::RawTable(db::Movimento())));
  SICOOP_ASSIGN_OR_RETURN(state.watermark, lake::WatermarkOf(state.raw_commits));
  SICOOP_ASSIGN_OR_RETURN(state.curated_commits, lake::CurrentHistory(*spark.session, lake::CuratedFlatTable()));
  SICOOP_ASSIGN_OR_RETURN(state.tables, TableStates(*spark.session));
  (void)spark.session->Close();
  std::unique_ptr<storage::SmallFiles> files = LakeFiles(lake, storage);
  SICOOP_ASSIGN_OR_RETURN(std::vector<std::string> runs, lake::Manifests(*files));
  state.run_count = static_cast<int64_t>(runs.size());
  const size_t first = runs.size() > static_cast<size_t>(run_limit) ? runs.size() - run_limit : 0;
  for (size_t i = first; i < runs.size(); ++i) {
    state.runs.push_back(files->Describe(runs[i]));
    state.manifests.push_back(ReadManifest(*files, runs[i]));
  }
  PrintResult(reporter, ShowText(state), report.json ? std::optional(ShowJson(state)) : std::nullopt);
  return Status::Ok();
}

namespace {

// ---- verify

std::string FiguresText(const std::string& side, const lake::DayFigures& figures) {
  return side + " " + std::to_string(figures.rows) + " rows " + figures.amount;
}

std::string FiguresJson(const lake::DayFigures& figures) {
  return "{\"rows\":" + std::to_string(figures.rows) + ",\"amount\":" + JsonString(figures.amount) + "}";
}

std::string VerifyText(const lake::Reconciliation& result) {
  std::string text;
  for (const lake::DayReconciliation& day : result.differing) {
    text += day.day + ": " + FiguresText("source", day.source) + ", " + FiguresText("raw", day.raw) + "; " +
            FiguresText("source joined", day.source_joined) + ", " +
            (day.curated ? FiguresText("curated", *day.curated) : std::string("curated not built")) + "\n";
  }
  const std::string totals =
      "watermark " + std::to_string(result.watermark) + ": source " + std::to_string(result.source_rows) +
      " rows, raw " + std::to_string(result.raw_rows) + "; source joined " +
      std::to_string(result.source_joined_rows) + " rows, " +
      (result.curated_snapshot_id.empty() ? std::string("curated not built")
                                          : "curated " + std::to_string(result.curated_rows));
  if (result.differing.empty()) return text + "all " + std::to_string(result.days) + " days agree (" + totals + ")\n";
  return text + std::to_string(result.differing.size()) + " of " + std::to_string(result.days) + " days differ (" +
         totals + ")\n";
}

std::string VerifyJson(const lake::Reconciliation& result, const std::string& lake, const std::string& source) {
  std::string days;
  for (const lake::DayReconciliation& day : result.differing) {
    days += (days.empty() ? "" : ",") + std::string("{\"day\":") + JsonString(day.day) +
            ",\"source\":" + FiguresJson(day.source) + ",\"raw\":" + FiguresJson(day.raw) +
            ",\"source_joined\":" + FiguresJson(day.source_joined) +
            ",\"curated\":" + (day.curated ? FiguresJson(*day.curated) : "null") +
            ",\"raw_differs\":" + (day.RawDiffers() ? "true" : "false") +
            ",\"curated_differs\":" + (day.CuratedDiffers() ? "true" : "false") + "}";
  }
  const bool built = !result.curated_snapshot_id.empty();
  return "{\"schema_version\":1,\"status\":" + JsonString(result.differing.empty() ? "agrees" : "differs") +
         ",\"lake\":" + JsonString(lake) + ",\"source\":" + JsonString(source) +
         ",\"watermark\":" + std::to_string(result.watermark) +
         ",\"raw_snapshot_id\":" + JsonString(result.raw_snapshot_id) +
         ",\"curated_snapshot_id\":" + JsonStringOrNull(result.curated_snapshot_id) +
         ",\"days\":" + std::to_string(result.days) + ",\"rows\":{\"source\":" + std::to_string(result.source_rows) +
         ",\"raw\":" + std::to_string(result.raw_rows) +
         ",\"source_joined\":" + std::to_string(result.source_joined_rows) +
         ",\"curated\":" + (built ? std::to_string(result.curated_rows) : "null") + "},\"differing_days\":[" + days +
         "]}\n";
}

}  // namespace

Status LakeVerify(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> parsed,
                          ParseLakeCommand(VerifySpec(), args, environment, {"db", "spark", "lake"}, {"db", "lake"}));
  if (!parsed) return Status::Ok();
  SICOOP_ASSIGN_OR_RETURN(db::DbUrl source_url, SourceDatabase(*parsed, environment));
  SICOOP_RETURN_IF_ERROR(ApplyDbTimeout(*parsed, source_url));
  SICOOP_ASSIGN_OR_RETURN(ReportOptions report, ReportOptionsFrom(*parsed));
  SICOOP_ASSIGN_OR_RETURN(std::optional<spark::ConnectionString> endpoint, SparkEndpoint(*parsed));
  WarnOfAPasswordOnTheCommandLine(*parsed);
  SICOOP_ASSIGN_OR_RETURN(storage::Location lake, ExistingLake(*parsed));
  Reporter reporter(report);
  SICOOP_RETURN_IF_ERROR(reporter.Open());
  SICOOP_ASSIGN_OR_RETURN(StorageAccess storage, OpenStorage({lake}, environment));
  SICOOP_ASSIGN_OR_RETURN(std::unique_ptr<db::Connection> source, db::Connect(source_url));
  SICOOP_RETURN_IF_ERROR(db::CheckSchema(*source));
  SICOOP_ASSIGN_OR_RETURN(SparkForRun spark, ConnectSparkForRun(endpoint, environment, reporter, storage.spark_settings));
  SICOOP_ASSIGN_OR_RETURN(const std::string location, SparkUri(lake));
  SICOOP_RETURN_IF_ERROR(lake::OpenLakeToRead(*spark.session, location));
  reporter.Log("verify the lake " + parsed->Get("lake") + " against " + source->Describe());
  SICOOP_ASSIGN_OR_RETURN(lake::Reconciliation result, lake::Reconcile(*spark.session, *source));
  (void)spark.session->Close();

  db::DbUrl shown = source_url;
  shown.password.clear();
  PrintResult(reporter, VerifyText(result),
              report.json ? std::optional(VerifyJson(result, parsed->Get("lake"), shown.Redacted())) : std::nullopt);
  if (result.differing.empty()) return Status::Ok();
  return Status::Failure(
      "the lake differs from its source on " + std::to_string(result.differing.size()) + " of " +
      std::to_string(result.days) +
      " days (listed on stdout): movimentos changed, deleted or committed below the watermark after the look-back; "
      "'sicoop lake ingest' with a larger --lookback re-reads late ones, a new lake re-reads everything");
}

Result<storage::Location> ExistingLake(const ParsedOptions& parsed) {
  SICOOP_ASSIGN_OR_RETURN(storage::Location lake, storage::Location::Parse(parsed.Get("lake"), "--lake"));
  std::error_code error;
  if (!lake.is_object() && !fs::is_directory(lake.path(), error)) {
    return Status::Failure("there is no lake at " + lake.ToString() +
                           ": give --lake the folder of 'sicoop etl --lake' or 'sicoop lake ingest'");
  }
  return lake;
}

Result<std::optional<spark::ConnectionString>> SparkEndpoint(const ParsedOptions& parsed) {
  if (!parsed.Has("spark")) return std::optional<spark::ConnectionString>();
  SICOOP_ASSIGN_OR_RETURN(spark::ConnectionString endpoint, spark::ParseConnectionString(parsed.Get("spark")));
  return std::optional(endpoint);
}

const CommandSpec& LakeShowSpec() { return ShowSpec(); }
const CommandSpec& LakeVerifySpec() { return VerifySpec(); }

}  // namespace sicoop::cli
