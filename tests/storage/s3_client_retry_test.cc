// How the S3 client repeats requests, against a scripted HTTP server (s3proxy cannot be made to
// fail on demand).
#include <gtest/gtest.h>

#include "scripted_server.h"
#include "storage/s3_client.h"
#include "support/files.h"

namespace sicoop::storage {
namespace {

std::unique_ptr<S3Client> ClientOf(const ScriptedServer& server) {
  AwsEnvironment environment;
  environment.endpoint_url = server.endpoint();
  environment.region = "us-east-1";
  environment.access_key_id = "AKIDEXAMPLE";
  environment.secret_access_key = "secret";
  environment.home = sicoop::testing::MakeTestFolder("s3-retry").string();
  Result<S3Settings> settings = S3Settings::Resolve(environment);
  EXPECT_TRUE(settings.ok()) << settings.status().message();
  Result<std::unique_ptr<S3Client>> client = S3Client::Create(*settings);
  EXPECT_TRUE(client.ok()) << client.status().message();
  return client.ok() ? std::move(client).value() : nullptr;
}

const std::string kSlowDown = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";

TEST(S3ClientRetryTest, AReadIsRepeatedAfterServerErrors) {
  ScriptedServer server({HttpAnswer(503, kSlowDown), HttpAnswer(500, ""), HttpAnswer(200, "the bytes")});
  std::unique_ptr<S3Client> client = ClientOf(server);
  ASSERT_NE(client, nullptr);
  Result<std::string> body = client->GetSmall("lake", "k");
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(*body, "the bytes");
  EXPECT_EQ(server.requests(), 3);
}

TEST(S3ClientRetryTest, RepeatsAreBoundedAndTheLastErrorIsNamed) {
  ScriptedServer server({HttpAnswer(503, kSlowDown), HttpAnswer(503, kSlowDown), HttpAnswer(503, kSlowDown),
                         HttpAnswer(200, "too late")});
  std::unique_ptr<S3Client> client = ClientOf(server);
  ASSERT_NE(client, nullptr);
  Result<std::string> body = client->GetSmall("lake", "k");
  ASSERT_FALSE(body.ok());
  EXPECT_NE(body.status().message().find("503 SlowDown: Please reduce your request rate."), std::string::npos)
      << body.status().message();
  EXPECT_EQ(server.requests(), 3);
}

TEST(S3ClientRetryTest, AConditionalWriteIsNotRepeated) {
  ScriptedServer server({HttpAnswer(503, kSlowDown), HttpAnswer(200, "")});
  std::unique_ptr<S3Client> client = ClientOf(server);
  ASSERT_NE(client, nullptr);
  EXPECT_FALSE(client->Put("lake", "lock", "me", Condition::IfAbsent()).ok());
  EXPECT_EQ(server.requests(), 1);
}

TEST(S3ClientRetryTest, AnErrorInsideA200CompletionIsAFailure) {
  ScriptedServer server({HttpAnswer(200, "<?xml version=\"1.0\"?>\n<Error><Code>InternalError</Code>"
                                     "<Message>We encountered an internal error.</Message></Error>")});
  std::unique_ptr<S3Client> client = ClientOf(server);
  ASSERT_NE(client, nullptr);
  Status status = client->CompleteUpload("lake", "out.csv", "u1", {"\"e1\""});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("CompleteMultipartUpload of s3a://lake/out.csv"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("InternalError"), std::string::npos) << status.message();
  EXPECT_EQ(server.requests(), 1);
}

}  // namespace
}  // namespace sicoop::storage
