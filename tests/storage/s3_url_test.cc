#include "storage/s3_url.h"

#include <gtest/gtest.h>

namespace sicoop::storage {
namespace {

TEST(S3UrlTest, PathStyleKeepsSlashesAndEncodesTheRest) {
  Result<Endpoint> endpoint = ParseEndpoint("http://127.0.0.1:9000/");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status().message();
  EXPECT_EQ(RequestUrl(*endpoint, true, "lake", "out/movimento flat+1 ç.csv"),
            "http://127.0.0.1:9000/lake/out/movimento%20flat%2B1%20%C3%A7.csv");
  EXPECT_EQ(RequestUrl(*endpoint, true, "lake", ""), "http://127.0.0.1:9000/lake");
}

TEST(S3UrlTest, VirtualHostStylePutsTheBucketInTheHost) {
  Result<Endpoint> endpoint = ParseEndpoint("https://s3.eu-west-1.amazonaws.com");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status().message();
  EXPECT_EQ(RequestUrl(*endpoint, false, "coop-lake", "a/b.csv"), "https://coop-lake.s3.eu-west-1.amazonaws.com/a/b.csv");
  EXPECT_EQ(RequestUrl(*endpoint, false, "coop-lake", ""), "https://coop-lake.s3.eu-west-1.amazonaws.com/");
}

TEST(S3UrlTest, QueryIsSortedAndEncodedWithValuelessNamesGivenAnEqualsSign) {
  Result<Endpoint> endpoint = ParseEndpoint("http://localhost:9000");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status().message();
  EXPECT_EQ(RequestUrl(*endpoint, true, "b", "", {{"uploads", ""}, {"prefix", "run/a b/"}, {"key-marker", "k=1"}}),
            "http://localhost:9000/b?key-marker=k%3D1&prefix=run%2Fa%20b%2F&uploads=");
}

TEST(S3UrlTest, EndpointForms) {
  EXPECT_TRUE(ParseEndpoint("http://localhost")->IsAddressOrLocalhost());
  EXPECT_TRUE(ParseEndpoint("http://[::1]:9000")->IsAddressOrLocalhost());
  EXPECT_TRUE(ParseEndpoint("http://192.168.0.10:9000")->IsAddressOrLocalhost());
  EXPECT_FALSE(ParseEndpoint("http://192.168.0.10.nip.io:9000")->IsAddressOrLocalhost());
  EXPECT_FALSE(ParseEndpoint("https://storage.googleapis.com")->IsAddressOrLocalhost());
  EXPECT_EQ(ParseEndpoint("http://[::1]:9000")->port, "9000");
  for (const char* bad : {"127.0.0.1:9000", "ftp://host", "http://", "http://host:", "http://host:99999",
                          "http://host/bucket", "http://user@host", "http://host:x"}) {
    EXPECT_FALSE(ParseEndpoint(bad).ok()) << bad;
  }
}

TEST(S3UrlTest, PercentEncodeUsesUpperCaseHexAndKeepsUnreserved) {
  EXPECT_EQ(PercentEncode("aZ09-_.~/ %", false), "aZ09-_.~%2F%20%25");
  EXPECT_EQ(PercentEncode("a/b", true), "a/b");
}

}  // namespace
}  // namespace sicoop::storage
