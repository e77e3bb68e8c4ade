// A small declarative parser for "sicoop CMD [SUBCMD] --option value ..." command lines. Each
// command declares its options once; the same declaration prints `--help` and validates input, so
// help text and behaviour cannot drift apart.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace sicoop::cli {

struct OptionSpec {
  std::string name;         // without dashes: "db" for --db
  std::string value_name;   // "URL"; empty for a flag that takes no value
  std::string help;         // one line
  std::string default_value;  // shown in --help and returned by Get() when absent; may be empty
  bool required = false;
};

struct CommandSpec {
  std::string usage;        // "sicoop db seed --db URL [options]"
  std::string summary;      // one line on what the command does
  std::vector<OptionSpec> options;
};

class ParsedOptions {
 public:
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  // The given value, or the option's default.
  std::string Get(const std::string& name) const;
  // The value as an integer in [min, max]; a usage error names the option and the range.
  Result<int64_t> GetInt(const std::string& name, int64_t min, int64_t max) const;
  // The value, which must be one of `choices`.
  Result<std::string> GetChoice(const std::string& name, const std::vector<std::string>& choices) const;
  bool help_requested() const { return help_requested_; }
  // Gives `name` a value from another source than the command line (a profile: cli/profile.h).
  void Set(const std::string& name, std::string value) { values_[name] = std::move(value); }

 private:
  friend Result<ParsedOptions> ParseOptions(const CommandSpec&, const std::vector<std::string>&);
  std::map<std::string, std::string> values_;
  std::map<std::string, std::string> defaults_;
  bool help_requested_ = false;
};

// The one-letter form of an option, where one is conventional ('o' for --output, 'q' for --quiet, 'v'
// for --verbose); 0 for none. One table for every command, so that a letter means the same everywhere.
char ShortNameOf(const OptionSpec& option);

// Parses `args` (what follows the command words). Accepts "--name value", "--name=value" and, for an
// option with a short name, "-o value" and "-ovalue". Unknown options (with the nearest declared one
// suggested), missing values and missing required options are usage errors; the command adds the
// hint to its --help (ExitStatusOf in commands.h).
Result<ParsedOptions> ParseOptions(const CommandSpec& spec, const std::vector<std::string>& args);

// The one of `known` nearest to `typed`, when it is near enough to be a typing slip (an edit or a
// swap of two neighbours per three characters, at least one): "etl" for "elt", "init" for "int".
std::optional<std::string> NearestOf(const std::string& typed, const std::vector<std::string>& known);

// The usage line, summary and options of a command (without the closing sections HelpPage adds).
std::string HelpText(const CommandSpec& spec);

// ParseOptions, and on --help prints the command's whole page (HelpPage in help_catalog.h) to stdout
// and gives nullopt: the command then has nothing more to do.
Result<std::optional<ParsedOptions>> ParseOrShowHelp(const CommandSpec& spec, const std::vector<std::string>& args);

}  // namespace sicoop::cli
