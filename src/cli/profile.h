// Profiles: the settings a user would otherwise retype for every command (the database URL without
// its password, the Spark endpoint, the output folder, the lake) kept in a small config file, one
// table per profile, each overridable by an environment variable and then by a flag.
//
// The file is a strict subset of TOML, read here rather than by a TOML library because it needs
// only `[profile.NAME]` tables of `key = "string"` lines and a precise message for anything else:
//
//   [profile.default]
//   db = "postgresql://etl@db.example:5432/sicoop"   # no password: see below
//   spark = "sc://spark.example:15002"
//   output = "/data/out"
//
// A password in a profile's db URL is refused: config files get shared and committed; the password
// goes in --db-password-file, SICOOP_DB_PASSWORD_FILE or SICOOP_DB_PASSWORD. SICOOP_DB_URL is held
// to the same rule.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "common/environment.h"
#include "common/status.h"

namespace sicoop::cli {

// --config and --profile, declared once for every command that reads profiles. Functions, not
// globals, for the reason DbPasswordFileOption gives.
OptionSpec ConfigOption();
OptionSpec ProfileOption();

// The config file in use and the profile chosen in it.
struct Profile {
  std::string path;  // the file read; empty when there is none
  std::string name;  // --profile, else SICOOP_PROFILE, else "default"
  bool found = false;                       // the file has a table for `name`
  std::map<std::string, std::string> values;  // its keys: db, spark, output, lake
};

// The file: --config, else ./sicoop.toml, else $XDG_CONFIG_HOME/sicoop/config.toml (XDG_CONFIG_HOME
// defaulting to ~/.config). No file is no profile, unless --config named one or a profile was asked
// for by name. A profile asked for by name that the file lacks is a usage error naming those it has.
Result<Profile> LoadProfile(const ParsedOptions& parsed, const Environment& environment);

// A setting's value and where it came from, in the words doctor shows.
struct Setting {
  std::string value;   // empty: set nowhere
  std::string origin;  // "--db", "SICOOP_DB_URL" or "profile 'NAME' in PATH"
};

// The setting `name` (db, spark, output or lake): the flag, else its environment variable, else the
// profile's key of the same name.
Setting Resolve(const std::string& name, const ParsedOptions& parsed, const Environment& environment,
                const Profile& profile);

// For a command: loads the profile, then gives each of `names` that the command line lacks its
// value from the environment or the profile. A name of `required` still without a value is a usage
// error naming the three ways to give it.
Status ApplyProfile(ParsedOptions& parsed, const Environment& environment, const std::vector<std::string>& names,
                    const std::vector<std::string>& required);

}  // namespace sicoop::cli
