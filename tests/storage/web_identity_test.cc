// Credentials from a web identity (Kubernetes' IRSA): the token exchanged with STS, here a scripted
// server standing for STS at AWS_ENDPOINT_URL_STS.
#include <gtest/gtest.h>

#include <fstream>

#include "scripted_server.h"
#include "storage/s3_settings.h"
#include "support/files.h"

namespace sicoop::storage {
namespace {

class WebIdentityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::path home = sicoop::testing::MakeTestFolder("web-identity");
    std::ofstream(home / "token") << "eyJhbGciOi.token+part/2\n";
    environment_.home = home.string();
    environment_.region = "sa-east-1";
    environment_.role_arn = "arn:aws:iam::123456789012:role/sicoop-etl";
    environment_.web_identity_token_file = (home / "token").string();
  }
  Result<S3Credentials> Resolve(const ScriptedServer& sts) {
    environment_.endpoint_url_sts = sts.endpoint();
    Result<S3Settings> settings = S3Settings::Resolve(environment_);
    EXPECT_TRUE(settings.ok()) << settings.status().message();
    return ResolveCredentials(settings.value());
  }
  AwsEnvironment environment_;
};

TEST_F(WebIdentityTest, TheTokenIsExchangedForTheRolesCredentials) {
  ScriptedServer sts({HttpAnswer(
      200,
      "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
      "<AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>temporary-secret</SecretAccessKey>"
      "<SessionToken>temporary-token</SessionToken></Credentials></AssumeRoleWithWebIdentityResult>"
      "</AssumeRoleWithWebIdentityResponse>")});
  Result<S3Credentials> credentials = Resolve(sts);
  ASSERT_TRUE(credentials.ok()) << credentials.status().message();
  EXPECT_EQ(credentials->access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(credentials->secret_access_key, "temporary-secret");
  EXPECT_EQ(credentials->session_token, "temporary-token");
  EXPECT_NE(credentials->source.find("arn:aws:iam::123456789012:role/sicoop-etl"), std::string::npos);
  std::string request = sts.last_request();
  EXPECT_EQ(request.rfind("POST / HTTP/1.1", 0), 0u) << request;
  EXPECT_NE(request.find("Action=AssumeRoleWithWebIdentity&Version=2011-06-15"), std::string::npos) << request;
  EXPECT_NE(request.find("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fsicoop-etl"), std::string::npos) << request;
  EXPECT_NE(request.find("RoleSessionName=sicoop"), std::string::npos) << request;
  EXPECT_NE(request.find("WebIdentityToken=eyJhbGciOi.token%2Bpart%2F2"), std::string::npos) << request;
  EXPECT_EQ(request.find("Authorization:"), std::string::npos) << "STS takes this request unsigned";
}

TEST_F(WebIdentityTest, ARefusalNamesTheRoleAndWhatToCheck) {
  ScriptedServer sts({HttpAnswer(403,
                                 "<ErrorResponse><Error><Code>AccessDenied</Code><Message>Not authorized to "
                                 "perform sts:AssumeRoleWithWebIdentity</Message></Error></ErrorResponse>")});
  Result<S3Credentials> credentials = Resolve(sts);
  ASSERT_FALSE(credentials.ok());
  const std::string& message = credentials.status().message();
  EXPECT_EQ(credentials.status().reason(), Status::Reason::kAuthentication);
  EXPECT_NE(message.find("arn:aws:iam::123456789012:role/sicoop-etl (AWS_ROLE_ARN)"), std::string::npos) << message;
  EXPECT_NE(message.find("AccessDenied: Not authorized"), std::string::npos) << message;
  EXPECT_NE(message.find("trust policy"), std::string::npos) << message;
  EXPECT_EQ(message.find("eyJhbGciOi"), std::string::npos) << "the token is a secret: " << message;
}

TEST_F(WebIdentityTest, KeysInTheEnvironmentComeFirst) {
  environment_.access_key_id = "AKIDENV";
  environment_.secret_access_key = "env-secret";
  ScriptedServer sts({});
  Result<S3Credentials> credentials = Resolve(sts);
  ASSERT_TRUE(credentials.ok()) << credentials.status().message();
  EXPECT_EQ(credentials->access_key_id, "AKIDENV");
  EXPECT_EQ(sts.requests(), 0);
}

}  // namespace
}  // namespace sicoop::storage
