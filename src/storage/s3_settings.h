// Where S3 is and who sicoop is there, taken the way AWS's own tools take them, from the
// environment and the shared AWS files; never from the command line, and never printed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/environment.h"
#include "common/status.h"

namespace sicoop::storage {

// Read in main with the rest of the environment (common/environment.h): common may not depend on storage.
using AwsEnvironment = ::sicoop::AwsEnvironment;

struct S3Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::string source;         // where they came from, for messages: "AWS_ACCESS_KEY_ID", "profile dev in ~/.aws/credentials", ...
};

struct S3Settings {
  AwsEnvironment environment;
  // "https://s3.REGION.amazonaws.com" unless AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL say otherwise.
  std::string endpoint;
  std::string region;
  // Path-style addressing (http://host/bucket/key): for an endpoint that is an IP address or
  // localhost (S3-compatible stores), virtual-host style (bucket.host) otherwise.
  bool path_style = false;

  // From the environment and the profile's config file; a missing region is a failure that says
  // how to set one.
  static Result<S3Settings> Resolve(const AwsEnvironment& environment);

  // The Spark session settings that point its S3A connector at the same place (fs.s3a.endpoint,
  // fs.s3a.endpoint.region, fs.s3a.path.style.access, fs.s3a.connection.ssl.enabled, the credential
  // provider chain): no secret among them, the Spark server takes credentials the AWS way itself.
  std::map<std::string, std::string> SparkSessionSettings() const;
};

// The credentials, in the AWS order: the environment's keys; the profile (AWS_PROFILE or
// "default") in the shared credentials file and config file; a web identity token exchanged with
// STS (AWS_ENDPOINT_URL_STS or https://sts.REGION.amazonaws.com) for a role (AWS_ROLE_ARN +
// AWS_WEB_IDENTITY_TOKEN_FILE, as Kubernetes' IRSA sets them).
Result<S3Credentials> ResolveCredentials(const S3Settings& settings);

// The temporary credentials in STS's AssumeRoleWithWebIdentity answer; `source` names them in messages.
Result<S3Credentials> ParseAssumeRoleAnswer(std::string_view xml, const std::string& source);

}  // namespace sicoop::storage
