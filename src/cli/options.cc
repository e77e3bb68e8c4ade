#include "cli/options.h"

#include <charconv>
#include <iostream>
#include <sstream>

namespace sicoop::cli {
namespace {

const OptionSpec* FindOption(const CommandSpec& spec, const std::string& name) {
  for (const auto& option : spec.options) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

}  // namespace

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
    if (arg.rfind("--", 0) != 0) return Status::Usage("unexpected argument '" + arg + "'");
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const OptionSpec* option = FindOption(spec, name);
    if (option == nullptr) return Status::Usage("unknown option --" + name);
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
    std::string left = "  --" + option.name + (option.value_name.empty() ? "" : " " + option.value_name);
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
    std::cout << HelpText(spec);
    return std::optional<ParsedOptions>();
  }
  return std::optional<ParsedOptions>(std::move(parsed));
}

}  // namespace sicoop::cli
