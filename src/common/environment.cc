#include "common/environment.h"

#include <cstdlib>

namespace sicoop {
namespace {

std::string Variable(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

}  // namespace

Environment Environment::FromProcess() {
  Environment environment;
  environment.db_password = Variable("SICOOP_DB_PASSWORD");
  environment.db_password_file = Variable("SICOOP_DB_PASSWORD_FILE");
  environment.lake = Variable("SICOOP_LAKE");
  environment.token_key_file = Variable("SICOOP_TOKEN_KEY_FILE");
  environment.token_key = Variable("SICOOP_TOKEN_KEY");
  environment.state_dir = Variable("SICOOP_STATE_DIR");
  environment.spark_memory = Variable("SICOOP_SPARK_MEMORY");
  environment.cache = Variable("SICOOP_CACHE");
  environment.xdg_cache_home = Variable("XDG_CACHE_HOME");
  environment.home = Variable("HOME");
  environment.java_home = Variable("JAVA_HOME");
  environment.spark_home = Variable("SPARK_HOME");
  environment.jars = Variable("SICOOP_JARS");
  environment.user = Variable("USER");
  environment.db_url = Variable("SICOOP_DB_URL");
  environment.spark_url = Variable("SICOOP_SPARK_URL");
  environment.output = Variable("SICOOP_OUTPUT");
  environment.profile = Variable("SICOOP_PROFILE");
  environment.xdg_config_home = Variable("XDG_CONFIG_HOME");
  return environment;
}

}  // namespace sicoop
