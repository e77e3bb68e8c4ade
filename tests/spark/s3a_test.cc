// Spark's S3A connector on the harness: the spark_server fixture's Spark server, with the jars of
// scripts/setup.sh, reaches the fixture's S3 server with the settings docs/object-storage.md lists,
// taking its credentials from its own environment (none is in a setting).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "spark/session.h"
#include "support/test_servers.h"

namespace sicoop::spark {
namespace {

namespace fs = std::filesystem;

class SparkS3aTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto endpoint = ParseConnectionString(testing::SparkUrl());
    ASSERT_TRUE(endpoint.ok()) << endpoint.status().message();
    auto session = SparkSession::Connect(*endpoint);
    ASSERT_TRUE(session.ok()) << session.status().message();
    spark_ = std::move(*session);
    Status set = spark_->SetConf(
        {{"fs.s3a.endpoint", testing::S3Endpoint()},
         {"fs.s3a.endpoint.region", testing::S3Region()},
         {"fs.s3a.path.style.access", "true"},
         {"fs.s3a.aws.credentials.provider", "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider"}});
    ASSERT_TRUE(set.ok()) << set.message();
  }

  std::unique_ptr<SparkSession> spark_;
};

TEST_F(SparkS3aTest, WritesACsvOfSeveralPartsAndReadsItBack) {
  const std::string bucket = testing::FreshS3Bucket();
  ASSERT_FALSE(bucket.empty());
  const std::string url = "s3a://" + bucket + "/x/";
  Status written = spark_->Sql("SELECT id, concat('v', id) AS s FROM range(0, 1000, 1, 4)")
                       .Write()
                       .Format("csv")
                       .Option("header", "true")
                       .Save(url);
  ASSERT_TRUE(written.ok()) << written.message();

  int parts = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(testing::S3Root()) / bucket / "x")) {
    if (entry.path().filename().string().starts_with("part-")) ++parts;
  }
  EXPECT_EQ(parts, 4) << "one object per partition in the store";
  EXPECT_TRUE(fs::exists(fs::path(testing::S3Root()) / bucket / "x" / "_SUCCESS"));

  auto rows = spark_->Read().Format("csv").Option("header", "true").Load({url}).Count();
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(*rows, 1000);
}

TEST_F(SparkS3aTest, AMissingBucketIsNamedWithoutTheSecret) {
  const std::string url = "s3a://no-such-bucket-" + std::to_string(::getpid()) + "/x/";
  Status written = spark_->Sql("SELECT 1 AS one").Write().Format("csv").Save(url);
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.message().find("The specified bucket does not exist"), std::string::npos) << written.message();
  EXPECT_EQ(written.message().find(testing::S3SecretKey()), std::string::npos) << written.message();
}

}  // namespace
}  // namespace sicoop::spark
