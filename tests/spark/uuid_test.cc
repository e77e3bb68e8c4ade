#include "spark/internal/uuid.h"

#include <gtest/gtest.h>

#include <set>

namespace sicoop::spark {
namespace {

TEST(UuidTest, NewUuidsAreVersion4AndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string uuid = NewUuid();
    ASSERT_TRUE(IsUuid(uuid)) << uuid;
    EXPECT_EQ(uuid[14], '4') << uuid;
    EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos) << uuid;
    seen.insert(uuid);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(UuidTest, IsUuidChecksTheCanonicalForm) {
  EXPECT_TRUE(IsUuid("550E8400-e29b-41d4-a716-446655440000"));
  EXPECT_FALSE(IsUuid("550e8400e29b41d4a716446655440000"));
  EXPECT_FALSE(IsUuid("550e8400-e29b-41d4-a716-44665544000g"));
  EXPECT_FALSE(IsUuid(""));
}

}  // namespace
}  // namespace sicoop::spark
