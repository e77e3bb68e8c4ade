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
  AwsEnvironment& aws = environment.aws;
  aws.access_key_id = Variable("AWS_ACCESS_KEY_ID");
  aws.secret_access_key = Variable("AWS_SECRET_ACCESS_KEY");
  aws.session_token = Variable("AWS_SESSION_TOKEN");
  aws.region = Variable("AWS_REGION");
  aws.default_region = Variable("AWS_DEFAULT_REGION");
  aws.endpoint_url = Variable("AWS_ENDPOINT_URL");
  aws.endpoint_url_s3 = Variable("AWS_ENDPOINT_URL_S3");
  aws.profile = Variable("AWS_PROFILE");
  aws.shared_credentials_file = Variable("AWS_SHARED_CREDENTIALS_FILE");
  aws.config_file = Variable("AWS_CONFIG_FILE");
  aws.role_arn = Variable("AWS_ROLE_ARN");
  aws.web_identity_token_file = Variable("AWS_WEB_IDENTITY_TOKEN_FILE");
  aws.endpoint_url_sts = Variable("AWS_ENDPOINT_URL_STS");
  aws.role_session_name = Variable("AWS_ROLE_SESSION_NAME");
  aws.home = environment.home;
  return environment;
}

}  // namespace sicoop
