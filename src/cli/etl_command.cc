
#include <iostream>

#include "cli/commands.h"
#include "cli/help_catalog.h"
#include "cli/db_timeout.h"
#include "cli/etl_run.h"
#include "cli/lake_options.h"
#include "cli/lake_run.h"
#include "cli/options.h"
#include "cli/profile.h"
#include "cli/source_database.h"
#include "db/db_url.h"
#include "pipeline/csv_output.h"
#include "storage/location.h"

namespace sicoop::cli {
namespace {

const CommandSpec kEtlSpec = {
    "sicoop etl --db URL --output DIR [options]",
    "Runs the ETL on Spark: reads the source tables over JDBC, joins them into the flat view and\n"
    "writes DIR/movimento_flat.csv (created whole or not at all). With --lake, through the lake:\n"
    "ingests what is new in the source, builds the curated and gold tables and exports the file\n"
    "from curated.",
    {
        {"db", "URL", "source database: postgresql://USER[:PASSWORD]@HOST[:PORT]/DB or mysql://... (required; or SICOOP_DB_URL, or the profile's db)", ""},
        DbPasswordFileOption(),
        kDbTimeoutOption,
        {"output", "DIR", "folder, or s3a://BUCKET/PREFIX, for movimento_flat.csv; created when missing (required; or SICOOP_OUTPUT, or the profile's output)", ""},
        {"spark", "URL", "Spark Connect endpoint sc://HOST:PORT[/;token=..;use_ssl=true]; default: SICOOP_SPARK_URL, the profile's spark, else a local server", ""},
        {"delimiter", "C", "field delimiter (';' suits Brazilian spreadsheets)", ","},
        {"excel-br", "", "for Excel in Portuguese (Brazil): ';', decimal comma, UTF-8 BOM, CRLF line ends", ""},
        {"card-number", "MODE", "masked (all but the last four digits as *) or full", "masked"},
        {"partitions", "N", "JDBC partitions for movimento; 0 derives them from its size", "0"},
        LakeOption(),
        TokenKeyFileOption(),
        LookbackOption(),
        ConfigOption(),
        ProfileOption(),
        {"spreadsheet-safe", "", "prefix ' to text cells starting with = + - @ tab or CR (formula injection); changes data", ""},
        {"json", "", "print the summary as one JSON object (docs/schemas/etl-summary.schema.json)", ""},
        {"quiet", "", "no phase lines nor progress: errors and the summary only", ""},
        {"verbose", "", "phase lines also off a terminal, the run id and the Spark endpoint", ""},
        {"log-file", "PATH", "append each phase line, the summary or the error to PATH with its UTC time", ""},
    }};

Result<pipeline::EtlOptions> EtlOptionsFrom(const ParsedOptions& parsed, const Environment& environment) {
  pipeline::EtlOptions options;
  SICOOP_ASSIGN_OR_RETURN(options.source, SourceDatabase(parsed, environment));
  SICOOP_RETURN_IF_ERROR(ApplyDbTimeout(parsed, options.source));
  SICOOP_RETURN_IF_ERROR(pipeline::ValidateOutputDir(parsed.Get("output")));
  SICOOP_ASSIGN_OR_RETURN(options.output, storage::Location::Parse(parsed.Get("output"), "--output"));
  options.preset = parsed.Has("excel-br") ? pipeline::CsvPreset::kExcelBr : pipeline::CsvPreset::kDefault;
  SICOOP_ASSIGN_OR_RETURN(options.delimiter,
                          pipeline::ChooseDelimiter(parsed.Has("delimiter") ? std::optional(parsed.Get("delimiter"))
                                                                            : std::nullopt,
                                                    options.preset));
  auto card = parsed.GetChoice("card-number", {"masked", "full"});
  if (!card.ok()) return card.status();
  options.card_number = *card == "full" ? pipeline::CardNumberMode::kFull : pipeline::CardNumberMode::kMasked;
  SICOOP_ASSIGN_OR_RETURN(int64_t partitions, parsed.GetInt("partitions", 0, 10000));
  options.partitions = static_cast<int>(partitions);
  options.spreadsheet_safe = parsed.Has("spreadsheet-safe");
  return options;
}

Status Etl(const std::vector<std::string>& args, const Environment& environment) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> given, ParseOrShowHelp(kEtlSpec, args));
  if (!given) return Status::Ok();
  ParsedOptions& parsed = *given;
  SICOOP_RETURN_IF_ERROR(ApplyProfile(parsed, environment, {"db", "output", "spark", "lake"}, {"db", "output"}));
  SICOOP_ASSIGN_OR_RETURN(pipeline::EtlOptions options, EtlOptionsFrom(parsed, environment));
  std::optional<spark::ConnectionString> endpoint;
  if (parsed.Has("spark")) {
    SICOOP_ASSIGN_OR_RETURN(endpoint, spark::ParseConnectionString(parsed.Get("spark")));
  }
  WarnOfAPasswordOnTheCommandLine(parsed);
  if (endpoint && endpoint->use_ssl_implied) {
    // Spark Connect's rule, which a user who left use_ssl out may not know: a plain-text server
    // would then fail the TLS handshake.
    std::cerr << "sicoop: note: --spark has a token and no use_ssl, so TLS is on (in Spark Connect a token= implies "
                 "use_ssl=true)\n";
  }
  SICOOP_ASSIGN_OR_RETURN(ReportOptions report, ReportOptionsFrom(parsed));
  if (!parsed.Has("lake")) return RunEtlAndReport(options, endpoint, environment, report).status();
  if (options.card_number == pipeline::CardNumberMode::kFull) {
    return Status::Usage("--card-number full is for the direct path only: the lake holds no card number in clear (PCI "
                         "DSS), only the masked number and a token; run etl without --lake for full numbers");
  }
  LakeRunOptions lake;
  lake.command = "etl --lake";
  SICOOP_ASSIGN_OR_RETURN(lake.lake, storage::Location::Parse(parsed.Get("lake"), "--lake"));
  lake.source = options.source;
  SICOOP_ASSIGN_OR_RETURN(lake.token_key, TokenKeyFrom(parsed, environment));
  SICOOP_ASSIGN_OR_RETURN(lake.lookback, parsed.GetInt("lookback", 0, INT64_MAX / 2));
  lake.partitions = options.partitions;
  lake.build = true;
  lake.output = options.output;
  lake.export_options = {options.delimiter, options.spreadsheet_safe, options.preset};
  return RunLakeAndReport(lake, endpoint, environment, report);
}

}  // namespace

const CommandSpec& EtlSpec() { return kEtlSpec; }

int RunEtl(const std::vector<std::string>& args, const Environment& environment) {
  return ExitStatusOf(Etl(args, environment), "sicoop etl");
}

}  // namespace sicoop::cli
