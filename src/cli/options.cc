#include "cli/options.h"

#include <algorithm>
#include <charconv>
#include <iostream>
#include <sstream>

#include "cli/help_catalog.h"

namespace sicoop::cli {
namespace {

const OptionSpec* FindOption(const CommandSpec& spec, const std::string& name) {
  for (const auto& option : spec.options) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

const OptionSpec* FindShortOption(const CommandSpec& spec, char name) {
  for (const auto& option : spec.options) {
    if (ShortNameOf(option) != 0 && ShortNameOf(option) == name) return &option;
  }
  return nullptr;
}

// Edits (insert, delete, replace, swap of two neighbours) that turn `a` into `b`: the optimal
// string alignment distance, which counts "elt" -> "etl" as one slip rather than two.
size_t SlipDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

Status UnknownOption(const CommandSpec& spec, const std::string& name) {
  std::vector<std::string> known;
  for (const auto& option : spec.options) known.push_back(option.name);
  std::optional<std::string> nearest = NearestOf(name, known);
  return Status::Usage("unknown option --" + name + (nearest ? ": did you mean --" + *nearest + "?" : ""));
}

}  // namespace

char ShortNameOf(const OptionSpec& option) {
  if (option.name == "output") return 'o';
  if (option.name == "quiet") return 'q';
  if (option.name == "verbose") return 'v';
  return 0;
}

std::optional<std::string> NearestOf(const std::string& typed, const std::vector<std::string>& known) {
  std::optional<std::string> nearest;
  size_t best = std::max<size_t>(1, typed.size() / 3) + 1;
  for (const auto& candidate : known) {
    size_t distance = SlipDistance(typed, candidate);
    if (distance < best) {
      best = distance;
      nearest = candidate;
    }
  }
  return nearest;
}

std::string ParsedOptions::Get(const std::string& name) const {
  if (auto it = values_.find(name); it != values_.end()) return it->second;
  if (auto it = defaults_.find(name); it != defaults_.end()) return it->second;
  return "";
}

Result<int64_t> ParsedOptions::GetInt(const std::string& name, int64_t min, int64_t max) const {
  std::string text = Get(name);
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    return Status::Usage("--" + name + " must be a whole number from " + std::to_string(min) +
                         " to " + std::to_string(max) + ", not '" + text + "'");
  }
  return value;
}

Result<std::string> ParsedOptions::GetChoice(const std::string& name,
                                             const std::vector<std::string>& choices) const {
  std::string value = Get(name);
  std::string listed;
  for (const auto& choice : choices) {
    if (choice == value) return value;
    listed += (listed.empty() ? "" : "|") + choice;
  }
  return Status::Usage("--" + name + " must be one of " + listed + ", not '" + value + "'");
}

Result<ParsedOptions> ParseOptions(const CommandSpec& spec, const std::vector<std::string>& args) {
  ParsedOptions parsed;
  for (const auto& option : spec.options) {
    if (!option.default_value.empty()) parsed.defaults_[option.name] = option.default_value;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      parsed.help_requested_ = true;
      return parsed;
    }
    std::string name;
    std::optional<std::string> inline_value;
    const OptionSpec* option = nullptr;
    if (arg.rfind("--", 0) == 0) {
      name = arg.substr(2);
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      option = FindOption(spec, name);
      if (option == nullptr) return UnknownOption(spec, name);
    } else if (arg.size() >= 2 && arg[0] == '-' && (option = FindShortOption(spec, arg[1])) != nullptr) {
      // "-o DIR" or "-oDIR", as getopt reads them.
      name = option->name;
      if (arg.size() > 2 && option->value_name.empty()) {
        return Status::Usage("unexpected argument '" + arg + "': give one-letter options separately");
      }
      if (arg.size() > 2) inline_value = arg.substr(2);
    } else {
      return Status::Usage("unexpected argument '" + arg + "'");
    }
    if (option->value_name.empty()) {
      if (inline_value) return Status::Usage("--" + name + " takes no value");
      parsed.values_[name] = "true";
      continue;
    }
    if (inline_value) {
      parsed.values_[name] = *inline_value;
    } else if (i + 1 < args.size()) {
      parsed.values_[name] = args[++i];
    } else {
      return Status::Usage("--" + name + " needs a value (" + option->value_name + ")");
    }
  }
  for (const auto& option : spec.options) {
    if (option.required && !parsed.Has(option.name)) {
      return Status::Usage("missing --" + option.name + " " + option.value_name);
    }
  }
  return parsed;
}

std::string HelpText(const CommandSpec& spec) {
  std::ostringstream out;
  out << "usage: " << spec.usage << "\n\n" << spec.summary << "\n";
  if (!spec.options.empty()) out << "\noptions:\n";
  for (const auto& option : spec.options) {
    std::string left = (ShortNameOf(option) != 0 ? std::string("  -") + ShortNameOf(option) + ", --" : "  --") +
                       option.name + (option.value_name.empty() ? "" : " " + option.value_name);
    out << left;
    out << std::string(left.size() < 28 ? 28 - left.size() : 1, ' ') << option.help;
    if (!option.default_value.empty()) out << " (default: " << option.default_value << ")";
    if (option.required) out << " (required)";
    out << "\n";
  }
  return out.str();
}

Result<std::optional<ParsedOptions>> ParseOrShowHelp(const CommandSpec& spec, const std::vector<std::string>& args) {
  SICOOP_ASSIGN_OR_RETURN(ParsedOptions parsed, ParseOptions(spec, args));
  if (parsed.help_requested()) {
    std::cout << HelpPage(spec);
    return std::optional<ParsedOptions>();
  }
  return std::optional<ParsedOptions>(std::move(parsed));
}

}  // namespace sicoop::cli
