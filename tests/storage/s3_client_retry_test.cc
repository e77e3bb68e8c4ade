// How the S3 client repeats requests and what it sends, against a scripted HTTP server (s3proxy
// cannot be made to fail on demand, nor show the requests it received).
#include <gtest/gtest.h>

#include "scripted_server.h"
#include "storage/s3_client.h"
#include "support/files.h"

namespace sicoop::storage {
namespace {

std::unique_ptr<S3Client> ClientOf(const ScriptedServer& server, const std::string& session_token = "") {
  AwsEnvironment environment;
  environment.session_token = session_token;
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

TEST(S3ClientWireTest, LibcurlSignsWhatSicoopSendsAndACopyIsOfAWholeObject) {
  ScriptedServer server({HttpAnswer(200, ""), HttpAnswer(200, "body"), HttpAnswer(200, ""),
                         HttpAnswer(200, "<CopyPartResult><ETag>\"e2\"</ETag></CopyPartResult>")});
  std::unique_ptr<S3Client> client = ClientOf(server, "token-5c1");
  ASSERT_NE(client, nullptr);
  const std::string empty_hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  auto expect_signed = [&](const std::string& request, const std::string& payload_hash) {
    EXPECT_NE(request.find("\r\nx-amz-content-sha256: " + payload_hash + "\r\n"), std::string::npos) << request;
    EXPECT_NE(request.find("\r\nx-amz-security-token: token-5c1\r\n"), std::string::npos) << request;
    EXPECT_NE(request.find("Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), std::string::npos) << request;
    EXPECT_NE(request.find("/us-east-1/s3/aws4_request"), std::string::npos) << request;
    EXPECT_NE(request.find("SignedHeaders=host;x-amz-content-sha256;"), std::string::npos) << request;
    EXPECT_NE(request.find(";x-amz-date;x-amz-security-token, Signature="), std::string::npos) << request;
  };
  ASSERT_TRUE(client->Put("lake", "k", "v").ok());
  expect_signed(server.last_request(), "UNSIGNED-PAYLOAD");
  ASSERT_TRUE(client->GetSmall("lake", "k").ok());
  expect_signed(server.last_request(), empty_hash);
  // A body over 1 MiB goes with libcurl's own "Expect: 100-continue", which is not signed.
  std::string part(2 << 20, 'x');
  ASSERT_TRUE(client->UploadPart("lake", "out.csv", "u1", 1, part).ok());
  std::string upload = server.last_request();
  expect_signed(upload.substr(0, upload.find("\r\n\r\n")), "UNSIGNED-PAYLOAD");
  EXPECT_TRUE(upload.ends_with("\r\n\r\n" + part));
  Result<std::string> etag = client->CopyPart("lake", "out.csv", "u1", 2, "staging/part 1.csv");
  ASSERT_TRUE(etag.ok()) << etag.status().message();
  EXPECT_EQ(*etag, "\"e2\"");
  std::string copy = server.last_request();
  expect_signed(copy, "UNSIGNED-PAYLOAD");
  EXPECT_NE(copy.find("\r\nx-amz-copy-source: /lake/staging/part%201.csv\r\n"), std::string::npos) << copy;
  EXPECT_EQ(copy.find("x-amz-copy-source-range"), std::string::npos) << copy;
  EXPECT_EQ(server.requests(), 4);
}

}  // namespace
}  // namespace sicoop::storage
