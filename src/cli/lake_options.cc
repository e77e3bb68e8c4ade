#include "cli/lake_options.h"

#include <string>

#include "cli/profile.h"
#include "lake/raw_ingest.h"

namespace sicoop::cli {

OptionSpec LakeOption() {
  return {"lake", "PATH", "the lake's folder, or s3a://BUCKET/PREFIX (Iceberg tables); created when missing (or SICOOP_LAKE, or the profile's lake)", ""};
}

OptionSpec TokenKeyFileOption() {
  return {"token-key-file", "PATH",
          "file holding the secret key of the card-number tokens (or SICOOP_TOKEN_KEY_FILE, SICOOP_TOKEN_KEY)", ""};
}

OptionSpec LookbackOption() {
  return {"lookback", "N", "movimento ids below the watermark read again, for transactions that committed late",
          std::to_string(lake::kDefaultLookback)};
}

OptionSpec SparkOption() {
  return {"spark", "URL", "Spark Connect endpoint sc://HOST:PORT[/;token=..;use_ssl=true]; default: SICOOP_SPARK_URL, the profile's spark, else a local server", ""};
}

std::vector<OptionSpec> LakeCommandOptions(OptionSpec lake, std::vector<OptionSpec> own, const std::string& json) {
  own.insert(own.begin(), std::move(lake));
  for (OptionSpec option : std::vector<OptionSpec>{
           SparkOption(),
           ConfigOption(),
           ProfileOption(),
           {"json", "", json, ""},
           {"quiet", "", "no phase lines nor progress: errors and the result only", ""},
           {"verbose", "", "phase lines also off a terminal, the run id and the Spark endpoint", ""},
           {"log-file", "PATH", "append each phase line, the result or the error to PATH with its UTC time", ""},
       }) {
    if (option.name == "json" && json.empty()) continue;
    own.push_back(std::move(option));
  }
  return own;
}

Result<std::optional<ParsedOptions>> ParseLakeCommand(const CommandSpec& spec, const std::vector<std::string>& args,
                                                     const Environment& environment,
                                                     const std::vector<std::string>& settings,
                                                     const std::vector<std::string>& required) {
  SICOOP_ASSIGN_OR_RETURN(std::optional<ParsedOptions> given, ParseOrShowHelp(spec, args));
  if (!given) return given;
  SICOOP_RETURN_IF_ERROR(ApplyProfile(*given, environment, settings, required));
  return given;
}

Result<lake::CardTokenKey> TokenKeyFrom(const ParsedOptions& parsed, const Environment& environment) {
  if (parsed.Has("token-key-file")) return lake::CardTokenKey::FromFile(parsed.Get("token-key-file"));
  if (!environment.token_key_file.empty()) return lake::CardTokenKey::FromFile(environment.token_key_file);
  if (!environment.token_key.empty()) return lake::CardTokenKey::FromText(environment.token_key);
  return Status::Usage(
      "the lake keeps a keyed token of each card number instead of the number, and needs the key: give "
      "--token-key-file FILE (or SICOOP_TOKEN_KEY_FILE, SICOOP_TOKEN_KEY); make one with 'head -c 32 /dev/urandom > "
      "FILE && chmod 600 FILE' and keep it outside the lake — every run of a lake must use the same key");
}

Result<ReportOptions> ReportOptionsFrom(const ParsedOptions& parsed) {
  ReportOptions report;
  report.json = parsed.Has("json");
  report.quiet = parsed.Has("quiet");
  report.verbose = parsed.Has("verbose");
  if (report.quiet && report.verbose) return Status::Usage("--quiet and --verbose contradict each other: give one");
  if (parsed.Has("log-file")) report.log_file = parsed.Get("log-file");
  return report;
}

}  // namespace sicoop::cli
