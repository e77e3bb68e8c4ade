// The environment variables sicoop reads, read once (in main) and passed down as values, so that
// parsers and path rules are pure functions of what they are given and tests need no setenv.
#pragma once

#include <string>

namespace sicoop {

// The AWS variables sicoop reads for object storage (an unset variable is empty): the endpoint,
// region and credentials are taken the way AWS's own tools take them (storage/s3_settings.h).
struct AwsEnvironment {
  std::string access_key_id;            // AWS_ACCESS_KEY_ID
  std::string secret_access_key;        // AWS_SECRET_ACCESS_KEY
  std::string session_token;            // AWS_SESSION_TOKEN
  std::string region;                   // AWS_REGION
  std::string default_region;           // AWS_DEFAULT_REGION
  std::string endpoint_url;             // AWS_ENDPOINT_URL
  std::string endpoint_url_s3;          // AWS_ENDPOINT_URL_S3
  std::string profile;                  // AWS_PROFILE
  std::string shared_credentials_file;  // AWS_SHARED_CREDENTIALS_FILE
  std::string config_file;              // AWS_CONFIG_FILE
  std::string role_arn;                 // AWS_ROLE_ARN (with the web identity token: IRSA)
  std::string web_identity_token_file;  // AWS_WEB_IDENTITY_TOKEN_FILE
  std::string endpoint_url_sts;         // AWS_ENDPOINT_URL_STS: where the web identity is exchanged
  std::string role_session_name;        // AWS_ROLE_SESSION_NAME
  std::string home;                     // HOME, for ~/.aws
};

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
  AwsEnvironment aws;          // AWS_*: where object storage is and who sicoop is there

  // The values of this process's environment.
  static Environment FromProcess();
};

}  // namespace sicoop
