#include "cli/profile.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "db/password_source.h"

namespace sicoop::cli {
namespace {

namespace fs = std::filesystem;

// The keys of a profile, each with its environment variable.
const std::map<std::string, std::string>& Keys() {
  static const std::map<std::string, std::string> keys = {
      {"db", "SICOOP_DB_URL"}, {"spark", "SICOOP_SPARK_URL"}, {"output", "SICOOP_OUTPUT"}, {"lake", "SICOOP_LAKE"}};
  return keys;
}

std::string EnvironmentValue(const std::string& name, const Environment& environment) {
  if (name == "db") return environment.db_url;
  if (name == "spark") return environment.spark_url;
  if (name == "output") return environment.output;
  if (name == "lake") return environment.lake;
  return "";
}

constexpr const char* kPasswordElsewhere =
    "put the password in a file named by --db-password-file or SICOOP_DB_PASSWORD_FILE, or in SICOOP_DB_PASSWORD";

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-'; }

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

// `rest` after its opening quote: the string's value, and in `after` what follows the closing quote.
Result<std::string> BasicString(const std::string& rest, std::string& after) {
  std::string value;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '"') {
      after = rest.substr(i + 1);
      return value;
    }
    if (rest[i] != '\\') {
      value += rest[i];
      continue;
    }
    if (i + 1 < rest.size() && (rest[i + 1] == '"' || rest[i + 1] == '\\')) {
      value += rest[++i];
      continue;
    }
    return Status::Failure("only the escapes \\\" and \\\\ are supported");
  }
  return Status::Failure("the string has no closing \"");
}

struct ParsedFile {
  std::map<std::string, std::map<std::string, std::string>> profiles;
  std::map<std::string, int> lines;  // "profile.key" -> line, for the messages that come later
};

Result<ParsedFile> ParseFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Failure("cannot read the config file " + path + ": check that it exists and is readable");
  ParsedFile file;
  std::string line;
  std::string table;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = path + ":" + std::to_string(number) + ": ";
    const std::string text = Trim(line);
    if (text.empty() || text[0] == '#') continue;
    if (text[0] == '[') {
      const std::string prefix = "[profile.";
      if (!text.starts_with(prefix) || text.back() != ']' || text.size() == prefix.size() + 1) {
        return Status::Failure(where + "expected a table [profile.NAME], found '" + text + "'");
      }
      table = text.substr(prefix.size(), text.size() - prefix.size() - 1);
      for (char c : table) {
        if (!IsNameChar(c)) return Status::Failure(where + "a profile name has only letters, digits, _ and -: '" + table + "'");
      }
      if (file.profiles.count(table) > 0) return Status::Failure(where + "profile '" + table + "' is defined twice");
      file.profiles[table];
      continue;
    }
    const size_t eq = text.find('=');
    if (eq == std::string::npos) return Status::Failure(where + "expected key = \"value\", found '" + text + "'");
    const std::string key = Trim(text.substr(0, eq));
    const std::string rest = Trim(text.substr(eq + 1));
    if (table.empty()) return Status::Failure(where + "'" + key + "' is outside a [profile.NAME] table");
    if (Keys().count(key) == 0) {
      return Status::Failure(where + "unknown key '" + key + "' (a profile has db, spark, output and lake)");
    }
    if (rest.empty() || rest[0] != '"') {
      return Status::Failure(where + "the value of '" + key + "' must be a \"double-quoted string\"");
    }
    std::string after;
    auto value = BasicString(rest.substr(1), after);
    if (!value.ok()) return value.status().WithContext(where + "the value of '" + key + "'");
    after = Trim(after);
    if (!after.empty() && after[0] != '#') return Status::Failure(where + "unexpected '" + after + "' after the value");
    auto& values = file.profiles[table];
    if (values.count(key) > 0) return Status::Failure(where + "'" + key + "' is set twice in profile '" + table + "'");
    if (key == "db" && db::UrlPasswordSpan(*value)) {
      return Status::Failure(where + "the db URL of profile '" + table +
                             "' holds a password, which a config file must not (it gets shared and committed): "
                             "remove it from the URL and " + kPasswordElsewhere);
    }
    values[key] = *value;
  }
  return file;
}

// The config file to read; empty when there is none.
std::string ConfigPath(const ParsedOptions& parsed, const Environment& environment) {
  if (parsed.Has("config")) return parsed.Get("config");
  std::error_code error;
  if (fs::exists("sicoop.toml", error)) return "sicoop.toml";
  const fs::path home = !environment.xdg_config_home.empty() ? fs::path(environment.xdg_config_home)
                        : !environment.home.empty()         ? fs::path(environment.home) / ".config"
                                                            : fs::path();
  if (home.empty()) return "";
  const fs::path user_file = home / "sicoop" / "config.toml";
  return fs::exists(user_file, error) ? user_file.string() : "";
}

}  // namespace

OptionSpec ConfigOption() {
  return {"config", "PATH", "config file of profiles (default: ./sicoop.toml, else ~/.config/sicoop/config.toml)", ""};
}

OptionSpec ProfileOption() {
  return {"profile", "NAME", "profile of the config file to use (default: SICOOP_PROFILE, else 'default')", ""};
}

Result<Profile> LoadProfile(const ParsedOptions& parsed, const Environment& environment) {
  Profile profile;
  const bool named = parsed.Has("profile") || !environment.profile.empty();
  profile.name = parsed.Has("profile") ? parsed.Get("profile") : named ? environment.profile : "default";
  const std::string asked = parsed.Has("profile") ? "--profile" : "SICOOP_PROFILE";
  profile.path = ConfigPath(parsed, environment);
  if (profile.path.empty()) {
    if (!named) return profile;
    return Status::Usage(asked + " " + profile.name + " needs a config file, and there is none: give --config PATH, or " +
                         "create ./sicoop.toml or ~/.config/sicoop/config.toml");
  }
  SICOOP_ASSIGN_OR_RETURN(ParsedFile file, ParseFile(profile.path));
  auto it = file.profiles.find(profile.name);
  if (it == file.profiles.end()) {
    if (!named) return profile;
    std::string existing;
    for (const auto& [name, values] : file.profiles) existing += (existing.empty() ? "" : ", ") + name;
    return Status::Usage("no profile '" + profile.name + "' in " + profile.path +
                         (existing.empty() ? " (it has none)" : " (it has: " + existing + ")"));
  }
  profile.found = true;
  profile.values = it->second;
  return profile;
}

Setting Resolve(const std::string& name, const ParsedOptions& parsed, const Environment& environment,
                const Profile& profile) {
  if (parsed.Has(name)) return {parsed.Get(name), "--" + name};
  if (std::string value = EnvironmentValue(name, environment); !value.empty()) return {value, Keys().at(name)};
  if (auto it = profile.values.find(name); it != profile.values.end() && !it->second.empty()) {
    return {it->second, "profile '" + profile.name + "' in " + profile.path};
  }
  return {};
}

Status ApplyProfile(ParsedOptions& parsed, const Environment& environment, const std::vector<std::string>& names,
                    const std::vector<std::string>& required) {
  if (db::UrlPasswordSpan(environment.db_url)) {
    return Status::Usage(std::string("SICOOP_DB_URL holds a password, which it must not (environment variables get "
                                     "logged and inherited): remove it from the URL and ") + kPasswordElsewhere);
  }
  SICOOP_ASSIGN_OR_RETURN(Profile profile, LoadProfile(parsed, environment));
  for (const std::string& name : names) {
    if (parsed.Has(name)) continue;
    Setting setting = Resolve(name, parsed, environment, profile);
    if (!setting.value.empty()) parsed.Set(name, setting.value);
  }
  for (const std::string& name : required) {
    if (parsed.Has(name)) continue;
    return Status::Usage("missing --" + name + ": give --" + name + ", set " + Keys().at(name) + ", or set " + name +
                         " in a profile of the config file (--config, --profile)");
  }
  return Status::Ok();
}

}  // namespace sicoop::cli
