#include "storage/s3_settings.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/files.h"

namespace sicoop::storage {
namespace {

class S3SettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = sicoop::testing::MakeTestFolder("s3-settings");
    std::filesystem::create_directories(home_ / ".aws");
    environment_.home = home_.string();
  }
  void Write(const std::string& name, const std::string& text) { std::ofstream(home_ / ".aws" / name) << text; }

  std::filesystem::path home_;
  AwsEnvironment environment_;
};

TEST_F(S3SettingsTest, EndpointS3WinsOverEndpointAndRegionOverDefaultRegion) {
  environment_.region = "sa-east-1";
  environment_.default_region = "us-east-1";
  environment_.endpoint_url = "http://10.0.0.1:9000";
  environment_.endpoint_url_s3 = "http://localhost:9001/";
  Result<S3Settings> settings = S3Settings::Resolve(environment_);
  ASSERT_TRUE(settings.ok()) << settings.status().message();
  EXPECT_EQ(settings->region, "sa-east-1");
  EXPECT_EQ(settings->endpoint, "http://localhost:9001");
  EXPECT_TRUE(settings->path_style);
}

TEST_F(S3SettingsTest, AwsEndpointFromTheRegionIsVirtualHostStyle) {
  environment_.default_region = "eu-west-1";
  Result<S3Settings> settings = S3Settings::Resolve(environment_);
  ASSERT_TRUE(settings.ok()) << settings.status().message();
  EXPECT_EQ(settings->endpoint, "https://s3.eu-west-1.amazonaws.com");
  EXPECT_FALSE(settings->path_style);
}

TEST_F(S3SettingsTest, IpAddressEndpointIsPathStyle) {
  environment_.region = "us-east-1";
  environment_.endpoint_url = "http://127.0.0.1:9000";
  Result<S3Settings> settings = S3Settings::Resolve(environment_);
  ASSERT_TRUE(settings.ok()) << settings.status().message();
  EXPECT_TRUE(settings->path_style);
  environment_.endpoint_url = "https://minio.internal:9000";
  settings = S3Settings::Resolve(environment_);
  ASSERT_TRUE(settings.ok()) << settings.status().message();
  EXPECT_FALSE(settings->path_style);
}

TEST_F(S3SettingsTest, RegionFromTheProfileInTheConfigFile) {
  Write("config", "[default]\nregion = us-west-2\n\n[profile dev]\nregion=ap-south-1\ns3 =\n  addressing_style = path\n");
  Result<S3Settings> settings = S3Settings::Resolve(environment_);
  ASSERT_TRUE(settings.ok()) << settings.status().message();
  EXPECT_EQ(settings->region, "us-west-2");
  environment_.profile = "dev";
  settings = S3Settings::Resolve(environment_);
  ASSERT_TRUE(settings.ok()) << settings.status().message();
  EXPECT_EQ(settings->region, "ap-south-1");
}

TEST_F(S3SettingsTest, ConfigFileFromTheVariable) {
  std::ofstream(home_ / "elsewhere") << "[profile ops]\nregion = ca-central-1\n";
  environment_.config_file = "~/elsewhere";
  environment_.profile = "ops";
  Result<S3Settings> settings = S3Settings::Resolve(environment_);
  ASSERT_TRUE(settings.ok()) << settings.status().message();
  EXPECT_EQ(settings->region, "ca-central-1");
}

TEST_F(S3SettingsTest, NoRegionSaysHowToSetOne) {
  Result<S3Settings> settings = S3Settings::Resolve(environment_);
  ASSERT_FALSE(settings.ok());
  EXPECT_NE(settings.status().message().find("AWS_REGION"), std::string::npos) << settings.status().message();
  EXPECT_NE(settings.status().message().find((home_ / ".aws/config").string()), std::string::npos);
}

TEST_F(S3SettingsTest, BadEndpointNamesTheVariable) {
  environment_.region = "us-east-1";
  environment_.endpoint_url_s3 = "127.0.0.1:9000";
  Result<S3Settings> settings = S3Settings::Resolve(environment_);
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.status().message().rfind("AWS_ENDPOINT_URL_S3: ", 0), 0u) << settings.status().message();
  environment_.endpoint_url_s3 = "";
  environment_.endpoint_url = "http://host:port";
  settings = S3Settings::Resolve(environment_);
  ASSERT_FALSE(settings.ok());
  EXPECT_EQ(settings.status().message().rfind("AWS_ENDPOINT_URL: ", 0), 0u) << settings.status().message();
}

TEST_F(S3SettingsTest, SparkSettingsPointS3aAtTheSamePlaceWithoutSecrets) {
  environment_.region = "us-east-1";
  environment_.endpoint_url = "http://127.0.0.1:9000";
  environment_.access_key_id = "AKIDEXAMPLE";
  environment_.secret_access_key = "the-secret";
  Result<S3Settings> settings = S3Settings::Resolve(environment_);
  ASSERT_TRUE(settings.ok()) << settings.status().message();
  std::map<std::string, std::string> spark = settings->SparkSessionSettings();
  EXPECT_EQ(spark["fs.s3a.endpoint"], "http://127.0.0.1:9000");
  EXPECT_EQ(spark["fs.s3a.endpoint.region"], "us-east-1");
  EXPECT_EQ(spark["fs.s3a.path.style.access"], "true");
  EXPECT_EQ(spark["fs.s3a.connection.ssl.enabled"], "false");
  EXPECT_EQ(spark["fs.s3a.aws.credentials.provider"],
            "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider");
  for (const auto& [key, value] : spark) {
    EXPECT_EQ(value.find("the-secret"), std::string::npos) << key;
    EXPECT_EQ(value.find("AKIDEXAMPLE"), std::string::npos) << key;
  }
}

TEST_F(S3SettingsTest, CredentialsFromTheEnvironmentFirst) {
  environment_.region = "us-east-1";
  environment_.access_key_id = "AKIDENV";
  environment_.secret_access_key = "env-secret";
  environment_.session_token = "env-token";
  Write("credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n");
  Result<S3Credentials> credentials = ResolveCredentials(S3Settings::Resolve(environment_).value());
  ASSERT_TRUE(credentials.ok()) << credentials.status().message();
  EXPECT_EQ(credentials->access_key_id, "AKIDENV");
  EXPECT_EQ(credentials->secret_access_key, "env-secret");
  EXPECT_EQ(credentials->session_token, "env-token");
}

TEST_F(S3SettingsTest, HalfTheEnvironmentKeysIsAFailure) {
  environment_.region = "us-east-1";
  environment_.access_key_id = "AKIDENV";
  Result<S3Credentials> credentials = ResolveCredentials(S3Settings::Resolve(environment_).value());
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.status().message().find("AWS_SECRET_ACCESS_KEY is not set"), std::string::npos)
      << credentials.status().message();
}

TEST_F(S3SettingsTest, CredentialsFromTheProfile) {
  environment_.region = "us-east-1";
  environment_.profile = "dev";
  Write("credentials",
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s0\n"
        "# the team's\n[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s1\naws_session_token = t1\n");
  Result<S3Credentials> credentials = ResolveCredentials(S3Settings::Resolve(environment_).value());
  ASSERT_TRUE(credentials.ok()) << credentials.status().message();
  EXPECT_EQ(credentials->access_key_id, "AKIDDEV");
  EXPECT_EQ(credentials->secret_access_key, "s1");
  EXPECT_EQ(credentials->session_token, "t1");
  EXPECT_EQ(credentials->source, "profile dev in " + (home_ / ".aws/credentials").string());
}

TEST_F(S3SettingsTest, CredentialsFromTheConfigFileProfile) {
  environment_.profile = "ops";
  Write("config", "[profile ops]\nregion = us-east-1\naws_access_key_id = AKIDOPS\naws_secret_access_key = s2\n");
  Result<S3Credentials> credentials = ResolveCredentials(S3Settings::Resolve(environment_).value());
  ASSERT_TRUE(credentials.ok()) << credentials.status().message();
  EXPECT_EQ(credentials->access_key_id, "AKIDOPS");
  EXPECT_EQ(credentials->secret_access_key, "s2");
}

TEST_F(S3SettingsTest, NoCredentialsListsThePlacesLookedAt) {
  environment_.region = "us-east-1";
  environment_.shared_credentials_file = (home_ / "nowhere").string();
  Result<S3Credentials> credentials = ResolveCredentials(S3Settings::Resolve(environment_).value());
  ASSERT_FALSE(credentials.ok());
  const std::string& message = credentials.status().message();
  EXPECT_NE(message.find("AWS_ACCESS_KEY_ID"), std::string::npos) << message;
  EXPECT_NE(message.find("profile default in " + (home_ / "nowhere").string()), std::string::npos) << message;
  EXPECT_NE(message.find("AWS_WEB_IDENTITY_TOKEN_FILE"), std::string::npos) << message;
  EXPECT_EQ(credentials.status().reason(), Status::Reason::kAuthentication);
}

TEST(AssumeRoleAnswerTest, ReadsTheTemporaryCredentials) {
  std::string answer =
      "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
      "<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
      "<SecretAccessKey>wJal/r+XUtn</SecretAccessKey><SessionToken>FwoG&amp;ZXIvYXdz</SessionToken>"
      "<Expiration>2026-11-28T13:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult>"
      "</AssumeRoleWithWebIdentityResponse>";
  Result<S3Credentials> credentials = ParseAssumeRoleAnswer(answer, "web identity");
  ASSERT_TRUE(credentials.ok()) << credentials.status().message();
  EXPECT_EQ(credentials->access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(credentials->secret_access_key, "wJal/r+XUtn");
  EXPECT_EQ(credentials->session_token, "FwoG&ZXIvYXdz");
  EXPECT_FALSE(ParseAssumeRoleAnswer("<ErrorResponse/>", "web identity").ok());
}

}  // namespace
}  // namespace sicoop::storage
