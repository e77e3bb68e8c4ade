// The environment variables sicoop reads, read once (in main) and passed down as values, so that
// parsers and path rules are pure functions of what they are given and tests need no setenv.
#pragma once

#include <string>

namespace sicoop {

// Each field is the variable's value; an unset variable is an empty string (sicoop treats an empty
// value as unset everywhere).
struct Environment {
  std::string db_password;     // SICOOP_DB_PASSWORD: for a database URL without a password
  std::string db_password_file;  // SICOOP_DB_PASSWORD_FILE: a file holding that password
  std::string state_dir;       // SICOOP_STATE_DIR: the local Spark server's state folder
  std::string spark_memory;    // SICOOP_SPARK_MEMORY: the local Spark server's driver memory
  std::string cache;           // SICOOP_CACHE: sicoop's cache folder
  std::string xdg_cache_home;  // XDG_CACHE_HOME
  std::string home;            // HOME
  std::string java_home;       // JAVA_HOME
  std::string spark_home;      // SPARK_HOME
  std::string jars;            // SICOOP_JARS: ':'-separated jar files or folders
  std::string user;            // USER: the user name Spark sessions are opened under
  std::string db_url;          // SICOOP_DB_URL: the database URL when --db is not given
  std::string spark_url;       // SICOOP_SPARK_URL: the Spark Connect endpoint when --spark is not given
  std::string output;          // SICOOP_OUTPUT: the output folder when --output is not given
  std::string profile;         // SICOOP_PROFILE: the profile when --profile is not given
  std::string xdg_config_home;  // XDG_CONFIG_HOME
  std::string lake;            // SICOOP_LAKE: the lake's location when --lake is not given
  std::string token_key_file;  // SICOOP_TOKEN_KEY_FILE: the file holding the card-token key
  std::string token_key;       // SICOOP_TOKEN_KEY: the card-token key itself

  // The values of this process's environment.
  static Environment FromProcess();
};

}  // namespace sicoop
