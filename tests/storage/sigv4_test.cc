#include "storage/sigv4.h"

#include <gtest/gtest.h>

namespace sicoop::storage {
namespace {

// 2013-05-24T00:00:00Z, the time of AWS's published examples.
constexpr std::time_t kExampleTime = 1369353600;
const SigningKey kExampleKey{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", "us-east-1"};

std::string Find(const std::vector<std::string>& headers, const std::string& name) {
  for (const std::string& header : headers) {
    if (header.rfind(name + ": ", 0) == 0) return header.substr(name.size() + 2);
  }
  return "";
}

// The "GET Object" example of AWS's "Signature Calculations for the Authorization Header" page.
TEST(SignV4Test, MatchesAwsPublishedGetObjectExample) {
  std::vector<std::string> headers = SignV4("GET", "https://examplebucket.s3.amazonaws.com/test.txt",
                                            {"Range: bytes=0-9"}, kEmptyPayloadHash, kExampleKey, kExampleTime);
  EXPECT_EQ(Find(headers, "x-amz-date"), "20130524T000000Z");
  EXPECT_EQ(Find(headers, "x-amz-content-sha256"), kEmptyPayloadHash);
  EXPECT_EQ(Find(headers, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SignV4Test, SortsHeadersByNameEvenWhenOneNameStartsAnother) {
  std::vector<std::string> headers =
      SignV4("PUT", "http://127.0.0.1:9000/b/k?partNumber=2&uploadId=x",
             {"x-amz-copy-source-range: bytes=0-9", "X-Amz-Copy-Source: /b/src"}, kEmptyPayloadHash, kExampleKey,
             kExampleTime);
  std::string authorization = Find(headers, "Authorization");
  EXPECT_NE(authorization.find("SignedHeaders=host;x-amz-content-sha256;x-amz-copy-source;x-amz-copy-source-range;"
                               "x-amz-date,"),
            std::string::npos)
      << authorization;
}

TEST(SignV4Test, SessionTokenIsSentAndSigned) {
  SigningKey key = kExampleKey;
  key.session_token = "token";
  std::vector<std::string> headers = SignV4("GET", "http://localhost/b", {}, kEmptyPayloadHash, key, kExampleTime);
  EXPECT_EQ(Find(headers, "x-amz-security-token"), "token");
  EXPECT_NE(Find(headers, "Authorization").find(";x-amz-security-token,"), std::string::npos);
}

}  // namespace
}  // namespace sicoop::storage
