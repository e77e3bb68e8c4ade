#include "storage/location.h"

#include <gtest/gtest.h>

namespace sicoop::storage {
namespace {

TEST(LocationTest, APathIsALocalFolder) {
  auto location = Location::Parse("out/lake", "--lake");
  ASSERT_TRUE(location.ok()) << location.status().message();
  EXPECT_FALSE(location->is_object());
  EXPECT_EQ(location->path(), std::filesystem::path("out/lake"));
  EXPECT_EQ(location->Describe("movimento_flat.csv"), "out/lake/movimento_flat.csv");
}

TEST(LocationTest, AnS3aUriIsABucketAndAPrefixWithoutOuterSlashes) {
  auto location = Location::Parse("s3a://coop-lake/prod/lake/", "--lake");
  ASSERT_TRUE(location.ok()) << location.status().message();
  ASSERT_TRUE(location->is_object());
  EXPECT_EQ(location->object().bucket, "coop-lake");
  EXPECT_EQ(location->object().prefix, "prod/lake");
  EXPECT_EQ(location->ToString(), "s3a://coop-lake/prod/lake");
  EXPECT_EQ(location->object().Key("_sicoop/runs/a.json"), "prod/lake/_sicoop/runs/a.json");
  EXPECT_EQ(location->Describe("movimento_flat.csv"), "s3a://coop-lake/prod/lake/movimento_flat.csv");
}

TEST(LocationTest, S3IsReadAsS3aAndABucketAloneHasAnEmptyPrefix) {
  auto location = Location::Parse("s3://coop-out", "--output");
  ASSERT_TRUE(location.ok()) << location.status().message();
  EXPECT_EQ(location->object().prefix, "");
  EXPECT_EQ(location->object().Key("movimento_flat.csv"), "movimento_flat.csv");
  EXPECT_EQ(location->ToString(), "s3a://coop-out");
}

TEST(LocationTest, OtherSchemesAreUsageErrorsNamingTheOption) {
  auto location = Location::Parse("gs://bucket/x", "--output");
  ASSERT_FALSE(location.ok());
  EXPECT_TRUE(location.status().is_usage());
  EXPECT_NE(location.status().message().find("--output"), std::string::npos);
  EXPECT_NE(location.status().message().find("gs://"), std::string::npos);
}

TEST(LocationTest, MalformedBucketsAndPrefixesAreUsageErrors) {
  for (const char* given : {"s3a://", "s3a://ab/x", "s3a://Upper/x", "s3a://under_score", "s3a://-dash/x",
                            "s3a://a..b/x", "s3a://bucket//x", "s3a://bucket/a/../b", "s3a://bucket/./b"}) {
    auto location = Location::Parse(given, "--lake");
    ASSERT_FALSE(location.ok()) << given;
    EXPECT_TRUE(location.status().is_usage()) << given;
    EXPECT_NE(location.status().message().find(given), std::string::npos) << location.status().message();
  }
}

}  // namespace
}  // namespace sicoop::storage
