// The options of the lake's commands (etl --lake, lake ingest|build|export), declared once: where
// the lake is, the card-token key, the look-back of the ingest, how a run reports.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "cli/run_report.h"
#include "common/environment.h"
#include "common/status.h"
#include "lake/card_token.h"

namespace sicoop::cli {

// Functions, not globals, for the reason DbPasswordFileOption gives (source_database.h).
OptionSpec LakeOption();
OptionSpec TokenKeyFileOption();
OptionSpec LookbackOption();
OptionSpec SparkOption();

// A lake command's options: `lake` (LakeOption, or another description of --lake), then `own`, then
// --spark, --config, --profile and the reporting options, whose --json prints what `json` says (no
// --json when `json` is empty).
std::vector<OptionSpec> LakeCommandOptions(OptionSpec lake, std::vector<OptionSpec> own, const std::string& json);

// Parses a lake command's line and fills `settings` from the environment and the profile
// (ApplyProfile), `required` among them: nullopt after --help.
Result<std::optional<ParsedOptions>> ParseLakeCommand(const CommandSpec& spec, const std::vector<std::string>& args,
                                                     const Environment& environment,
                                                     const std::vector<std::string>& settings,
                                                     const std::vector<std::string>& required);

// The key of the card-number tokens: --token-key-file's file, else SICOOP_TOKEN_KEY_FILE's, else
// SICOOP_TOKEN_KEY. None of them is a usage error that says how to make a key.
Result<lake::CardTokenKey> TokenKeyFrom(const ParsedOptions& parsed, const Environment& environment);

// --json, --quiet, --verbose and --log-file.
Result<ReportOptions> ReportOptionsFrom(const ParsedOptions& parsed);

}  // namespace sicoop::cli
