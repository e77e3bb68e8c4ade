// sicoop lake ingest|build|export: the lake's phases one at a time (etl --lake runs all three);
// lake show|verify (lake_inspect_command.cc) read it.
#include <iostream>

#include "cli/commands.h"
#include "cli/db_timeout.h"
#include "cli/help_catalog.h"
#include "cli/lake_inspect_command.h"
#include "cli/lake_options.h"
#include "cli/lake_run.h"
#include "cli/options.h"
#include "cli/profile.h"
#include "cli/source_database.h"
#include "pipeline/csv_output.h"
#include "storage/location.h"

namespace sicoop::cli {
namespace {

constexpr const char* kManifestJson = "print the run's manifest (docs/schemas/lake-run.schema.json) instead of the summary";

// The options every lake run shares, after its own.
std::vector<OptionSpec> WithCommonOptions(std::vector<OptionSpec> own) {
  return LakeCommandOptions(LakeOption(), std::move(own), kManifestJson);
}

const CommandSpec& IngestSpec() {
  static const CommandSpec spec = {
      "sicoop lake ingest --db URL --lake PATH [options]",
      "Reads what is new in the source into the lake's raw tables: the movimentos above the watermark\n"
      "(and a look-back below it), the dimensions merged by key; rows and watermark in one commit.",
      WithCommonOptions({
          {"db", "URL", "source database: postgresql://USER@HOST[:PORT]/DB or mysql://... (or SICOOP_DB_URL, or the profile's db)", ""},
          DbPasswordFileOption(),
          kDbTimeoutOption,
          TokenKeyFileOption(),
          LookbackOption(),
          {"partitions", "N", "JDBC partitions for movimento; 0 derives them from its size", "0"},
      })};
  return spec;
}

const CommandSpec& BuildSpec() {
  static const CommandSpec spec = {
      "sicoop lake build --lake PATH [options]",
      "Builds the lake's curated table movimento_flat from its raw tables, in one commit, then the\n"
      "gold tables from it (per member and month, and the modelling features; docs/features.md).",
      WithCommonOptions({})};
  return spec;
}

const CommandSpec& ExportSpec() {
  static const CommandSpec spec = {
      "sicoop lake export --lake PATH --output DIR [options]",
      "Writes DIR/movimento_flat.csv from the lake's curated table (created whole or not at all).",
      WithCommonOptions({
          {"output", "DIR", "folder, or s3a://BUCKET/PREFIX, for movimento_flat.csv; created when missing (or SICOOP_OUTPUT, or the profile's output)", ""},
          {"delimiter", "C", "field delimiter (';' suits Brazilian spreadsheets)", ","},
          {"excel-br", "", "for Excel in Portuguese (Brazil): ';', decimal comma, UTF-8 BOM, CRLF line ends", ""},
          {"spreadsheet-safe", "", "prefix ' to text cells starting with = + - @ tab or CR (formula injection); changes data", ""},
      })};
  return spec;
}

constexpr const char* kLakeUsage =
    "usage: sicoop lake ingest --db URL --lake PATH [options]\n"
    "       sicoop lake build --lake PATH [options]\n"
    "       sicoop lake export --lake PATH --output DIR [options]\n"
    "       sicoop lake show --lake PATH [options]\n"
    "       sicoop lake verify --db URL --lake PATH [options]\n"
    "'sicoop lake COMMAND --help' describes the options.\n";

Status RunCommand(LakeRunOptions& options, const ParsedOptions& parsed, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(options.lake, storage::Location::Parse(parsed.Get("lake"), "--lake"));
  std::optional<spark::ConnectionString> endpoint;
  if (parsed.Has("spark")) {
    SICOOP_ASSIGN_OR_RETURN(endpoint, spark::ParseConnectionString(parsed.Get("spark")));
  }
  SICOOP_ASSIGN_OR_RETURN(ReportOptions report, ReportOptionsFrom(parsed));
  return RunLakeAndReport(options, endpoint, environment, report);
}

Status Ingest(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> parsed,
                          ParseLakeCommand(IngestSpec(), args, environment, {"db", "spark", "lake"}, {"db", "lake"}));
  if (!parsed) return Status::Ok();
  LakeRunOptions options;
  options.command = "lake ingest";
  SICOOP_ASSIGN_OR_RETURN(db::DbUrl source, SourceDatabase(*parsed, environment));
  SICOOP_RETURN_IF_ERROR(ApplyDbTimeout(*parsed, source));
  options.source = source;
  SICOOP_ASSIGN_OR_RETURN(options.token_key, TokenKeyFrom(*parsed, environment));
  SICOOP_ASSIGN_OR_RETURN(options.lookback, parsed->GetInt("lookback", 0, INT64_MAX / 2));
  SICOOP_ASSIGN_OR_RETURN(int64_t partitions, parsed->GetInt("partitions", 0, 10000));
  options.partitions = static_cast<int>(partitions);
  WarnOfAPasswordOnTheCommandLine(*parsed);
  return RunCommand(options, *parsed, environment);
}

Status Build(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> parsed,
                          ParseLakeCommand(BuildSpec(), args, environment, {"spark", "lake"}, {"lake"}));
  if (!parsed) return Status::Ok();
  LakeRunOptions options;
  options.command = "lake build";
  options.build = true;
  return RunCommand(options, *parsed, environment);
}

Status Export(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> parsed,
                          ParseLakeCommand(ExportSpec(), args, environment, {"spark", "lake", "output"}, {"lake", "output"}));
  if (!parsed) return Status::Ok();
  LakeRunOptions options;
  options.command = "lake export";
  SICOOP_RETURN_IF_ERROR(pipeline::ValidateOutputDir(parsed->Get("output")));
  SICOOP_ASSIGN_OR_RETURN(options.output, storage::Location::Parse(parsed->Get("output"), "--output"));
  options.export_options.preset = parsed->Has("excel-br") ? pipeline::CsvPreset::kExcelBr : pipeline::CsvPreset::kDefault;
  SICOOP_ASSIGN_OR_RETURN(options.export_options.delimiter,
                          pipeline::ChooseDelimiter(parsed->Has("delimiter") ? std::optional(parsed->Get("delimiter"))
                                                                             : std::nullopt,
                                                    options.export_options.preset));
  options.export_options.spreadsheet_safe = parsed->Has("spreadsheet-safe");
  return RunCommand(options, *parsed, environment);
}

}  // namespace

const CommandSpec& LakeIngestSpec() { return IngestSpec(); }
const CommandSpec& LakeBuildSpec() { return BuildSpec(); }
const CommandSpec& LakeExportSpec() { return ExportSpec(); }

int RunLake(const std::vector<std::string>& args, const Environment& environment) {
  return RunSubcommand(args, kLakeUsage,
                       {{"ingest", [&environment](const auto& rest) { return Ingest(rest, environment); }},
                        {"build", [&environment](const auto& rest) { return Build(rest, environment); }},
                        {"export", [&environment](const auto& rest) { return Export(rest, environment); }},
                        {"show", [&environment](const auto& rest) { return LakeShow(rest, environment); }},
                        {"verify", [&environment](const auto& rest) { return LakeVerify(rest, environment); }}},
                       "'sicoop lake ingest', 'build', 'export', 'show' or 'verify'", "sicoop lake");
}

}  // namespace sicoop::cli
