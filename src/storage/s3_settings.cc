#include "storage/s3_settings.h"

#include <fstream>
#include <sstream>

#include "storage/http.h"
#include "storage/s3_url.h"
#include "storage/xml.h"

namespace sicoop::storage {
namespace {

using IniFile = std::map<std::string, std::map<std::string, std::string>>;

std::string Trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(start, end - start + 1));
}

// The AWS shared files' INI dialect: "[section]", "key = value", '#' and ';' comments. Indented
// lines continue a nested setting (e.g. "s3 =" followed by its own keys) and are skipped. A
// missing file reads as empty.
IniFile ReadIni(const std::string& path) {
  IniFile sections;
  std::ifstream in(path);
  std::string line;
  std::string section;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == ' ' || line[0] == '\t') continue;
    std::string text = Trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    if (text.front() == '[' && text.back() == ']') {
      section = Trim(std::string_view(text).substr(1, text.size() - 2));
      sections[section];
      continue;
    }
    size_t equals = text.find('=');
    if (equals == std::string::npos || section.empty()) continue;
    sections[section][Trim(std::string_view(text).substr(0, equals))] = Trim(std::string_view(text).substr(equals + 1));
  }
  return sections;
}

// `path` with a leading "~/" made absolute against HOME.
std::string ExpandHome(const std::string& path, const std::string& home) {
  if (path.starts_with("~/") && !home.empty()) return home + path.substr(1);
  return path;
}

std::string ProfileName(const AwsEnvironment& environment) {
  return environment.profile.empty() ? "default" : environment.profile;
}

std::string ConfigFile(const AwsEnvironment& environment) {
  return environment.config_file.empty() ? environment.home + "/.aws/config"
                                          : ExpandHome(environment.config_file, environment.home);
}

std::string CredentialsFile(const AwsEnvironment& environment) {
  return environment.shared_credentials_file.empty() ? environment.home + "/.aws/credentials"
                                                     : ExpandHome(environment.shared_credentials_file, environment.home);
}

// The profile's section of the config file: "[default]" or "[profile NAME]" (the AWS CLI takes
// "[profile default]" too).
const std::map<std::string, std::string>* ConfigProfile(const IniFile& config, const std::string& profile) {
  auto found = config.find("profile " + profile);
  if (found == config.end() && profile == "default") found = config.find("default");
  return found == config.end() ? nullptr : &found->second;
}

std::string Value(const std::map<std::string, std::string>* section, const std::string& key) {
  if (section == nullptr) return "";
  auto found = section->find(key);
  return found == section->end() ? "" : found->second;
}

// A web identity token exchanged with STS for the role's temporary credentials. STS takes this
// request unsigned: the token is the proof.
Result<S3Credentials> AssumeRoleWithWebIdentity(const S3Settings& settings) {
  const AwsEnvironment& environment = settings.environment;
  std::ifstream in(environment.web_identity_token_file);
  std::stringstream token;
  token << in.rdbuf();
  if (!in) {
    return Status::Failure("cannot read the web identity token " + environment.web_identity_token_file +
                           " (AWS_WEB_IDENTITY_TOKEN_FILE)");
  }
  std::string session_name = environment.role_session_name.empty() ? "sicoop" : environment.role_session_name;
  std::string body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=" +
                     PercentEncode(environment.role_arn, false) + "&RoleSessionName=" +
                     PercentEncode(session_name, false) + "&WebIdentityToken=" + PercentEncode(Trim(token.str()), false);
  std::string url = environment.endpoint_url_sts.empty() ? "https://sts." + settings.region + ".amazonaws.com"
                                                         : environment.endpoint_url_sts;
  if (!url.ends_with("/")) url += "/";
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {"Content-Type: application/x-www-form-urlencoded"};
  request.body = body;
  HttpSession session;
  HttpResponse response = session.Perform(request);
  std::string what = "STS AssumeRoleWithWebIdentity for the role " + environment.role_arn + " (AWS_ROLE_ARN) at " + url;
  if (!response.transport_error.empty()) {
    return Status::Failure(what + " failed: " + response.transport_error,
                           response.unreachable ? Status::Reason::kUnreachable : Status::Reason::kUnspecified);
  }
  if (response.status != 200) {
    return Status::Failure(what + " failed: " + std::to_string(response.status) + " " +
                               XmlText(response.body, "Code").value_or("") + ": " +
                               XmlText(response.body, "Message").value_or("") +
                               " (check the role's trust policy and the token in AWS_WEB_IDENTITY_TOKEN_FILE)",
                           Status::Reason::kAuthentication);
  }
  return ParseAssumeRoleAnswer(response.body, "web identity for the role " + environment.role_arn);
}

}  // namespace

Result<S3Credentials> ParseAssumeRoleAnswer(std::string_view xml, const std::string& source) {
  S3Credentials credentials;
  credentials.access_key_id = XmlText(xml, "AccessKeyId").value_or("");
  credentials.secret_access_key = XmlText(xml, "SecretAccessKey").value_or("");
  credentials.session_token = XmlText(xml, "SessionToken").value_or("");
  credentials.source = source;
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return Status::Failure("STS answered without credentials for the " + source, Status::Reason::kAuthentication);
  }
  return credentials;
}

Result<S3Settings> S3Settings::Resolve(const AwsEnvironment& environment) {
  S3Settings settings;
  settings.environment = environment;
  std::string config_file = ConfigFile(environment);
  IniFile config = ReadIni(config_file);
  const auto* profile = ConfigProfile(config, ProfileName(environment));
  if (!environment.region.empty()) settings.region = environment.region;
  else if (!environment.default_region.empty()) settings.region = environment.default_region;
  else settings.region = Value(profile, "region");
  if (settings.region.empty()) {
    return Status::Failure("no AWS region is set for object storage: set AWS_REGION (e.g. us-east-1, or any name "
                           "an S3-compatible store accepts) or 'region' in profile " + ProfileName(environment) +
                           " of " + config_file);
  }
  std::string variable = !environment.endpoint_url_s3.empty() ? "AWS_ENDPOINT_URL_S3"
                         : !environment.endpoint_url.empty()  ? "AWS_ENDPOINT_URL"
                                                              : "";
  settings.endpoint = variable == "AWS_ENDPOINT_URL_S3" ? environment.endpoint_url_s3
                      : variable == "AWS_ENDPOINT_URL"  ? environment.endpoint_url
                                                        : "https://s3." + settings.region + ".amazonaws.com";
  Result<Endpoint> endpoint = ParseEndpoint(settings.endpoint);
  if (!endpoint.ok()) return endpoint.status().WithContext(variable.empty() ? "AWS_REGION" : variable);
  if (settings.endpoint.back() == '/') settings.endpoint.pop_back();
  settings.path_style = endpoint->IsAddressOrLocalhost();
  return settings;
}

std::map<std::string, std::string> S3Settings::SparkSessionSettings() const {
  return {
      {"fs.s3a.endpoint", endpoint},
      {"fs.s3a.endpoint.region", region},
      {"fs.s3a.path.style.access", path_style ? "true" : "false"},
      {"fs.s3a.connection.ssl.enabled", endpoint.starts_with("https://") ? "true" : "false"},
      {"fs.s3a.aws.credentials.provider", "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider"},
  };
}

Result<S3Credentials> ResolveCredentials(const S3Settings& settings) {
  const AwsEnvironment& environment = settings.environment;
  if (!environment.access_key_id.empty() || !environment.secret_access_key.empty()) {
    if (environment.access_key_id.empty() || environment.secret_access_key.empty()) {
      return Status::Failure(std::string("AWS_") + (environment.access_key_id.empty() ? "ACCESS_KEY_ID" : "SECRET_ACCESS_KEY") +
                             " is not set while AWS_" +
                             (environment.access_key_id.empty() ? "SECRET_ACCESS_KEY" : "ACCESS_KEY_ID") +
                             " is: set both, or neither to use a profile");
    }
    return S3Credentials{environment.access_key_id, environment.secret_access_key, environment.session_token,
                         "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"};
  }
  std::string profile = ProfileName(environment);
  std::string credentials_file = CredentialsFile(environment);
  IniFile credentials = ReadIni(credentials_file);
  auto section = credentials.find(profile);
  const std::map<std::string, std::string>* in_credentials = section == credentials.end() ? nullptr : &section->second;
  std::string config_file = ConfigFile(environment);
  IniFile config = ReadIni(config_file);
  const auto* in_config = ConfigProfile(config, profile);
  for (const auto& [values, file] : {std::pair{in_credentials, credentials_file}, std::pair{in_config, config_file}}) {
    std::string key_id = Value(values, "aws_access_key_id");
    if (key_id.empty()) continue;
    return S3Credentials{key_id, Value(values, "aws_secret_access_key"), Value(values, "aws_session_token"),
                         "profile " + profile + " in " + file};
  }
  if (!environment.role_arn.empty() && !environment.web_identity_token_file.empty()) {
    return AssumeRoleWithWebIdentity(settings);
  }
  return Status::Failure("no AWS credentials found for object storage; looked at AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY, profile " + profile + " in " + credentials_file + " and " +
                         config_file + ", and AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE: set one of them",
                         Status::Reason::kAuthentication);
}

}  // namespace sicoop::storage
