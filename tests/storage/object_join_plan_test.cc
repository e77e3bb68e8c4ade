#include <gtest/gtest.h>

#include "storage/object_join.h"

namespace sicoop::storage {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

// Checks what every plan must satisfy: the pieces cover the head and then each object exactly once,
// in order; every part but the last has at least 5 MiB; copies are single pieces of at most
// kMaxCopyBytes; uploaded parts stay small.
void ExpectValid(const std::vector<PlannedPart>& plan, int64_t head, const std::vector<int64_t>& sizes) {
  std::vector<Piece> expected;
  int source = -1;
  int64_t offset = 0;
  auto size_of = [&](int s) { return s < 0 ? head : sizes[s]; };
  for (size_t i = 0; i < plan.size(); ++i) {
    const PlannedPart& part = plan[i];
    if (i + 1 < plan.size()) EXPECT_GE(part.size(), kMinPartBytes) << "part " << i + 1;
    if (part.copy) {
      ASSERT_EQ(part.pieces.size(), 1u);
      EXPECT_LE(part.size(), kMaxCopyBytes);
    } else {
      EXPECT_LE(part.size(), 3 * kMinPartBytes) << "part " << i + 1;
    }
    for (const Piece& piece : part.pieces) {
      while (offset == size_of(source) && source + 1 < static_cast<int>(sizes.size())) {
        ++source;
        offset = 0;
      }
      EXPECT_EQ(piece.source, source);
      EXPECT_EQ(piece.offset, offset);
      EXPECT_GT(piece.length, 0);
      offset += piece.length;
    }
  }
  while (offset == size_of(source) && source + 1 < static_cast<int>(sizes.size())) {
    ++source;
    offset = 0;
  }
  EXPECT_EQ(source, sizes.empty() ? -1 : static_cast<int>(sizes.size()) - 1);
  EXPECT_EQ(offset, size_of(source));
}

TEST(PlanJoinTest, EmptyListIsTheHeadAlone) {
  Result<std::vector<PlannedPart>> plan = PlanJoin(120, {});
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_FALSE((*plan)[0].copy);
  EXPECT_EQ((*plan)[0].size(), 120);
  EXPECT_TRUE(PlanJoin(0, {})->empty());
}

TEST(PlanJoinTest, HeadThenLargeSmallLarge) {
  std::vector<int64_t> sizes{11 * kMiB, 100, 12 * kMiB};
  Result<std::vector<PlannedPart>> plan = PlanJoin(50, sizes);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ExpectValid(*plan, 50, sizes);
  // The head takes the start of the first object to reach 5 MiB and the rest (6 MiB + 50 B) is
  // copied; the 100 B take the start of the third object likewise.
  ASSERT_EQ(plan->size(), 4u);
  EXPECT_FALSE((*plan)[0].copy);
  EXPECT_EQ((*plan)[0].size(), kMinPartBytes);
  EXPECT_TRUE((*plan)[1].copy);
  EXPECT_EQ((*plan)[1].size(), 6 * kMiB + 50);
  EXPECT_FALSE((*plan)[2].copy);
  EXPECT_EQ((*plan)[2].size(), kMinPartBytes);
  EXPECT_TRUE((*plan)[3].copy);
}

TEST(PlanJoinTest, ObjectsTooSmallToLeaveFiveMiBAfterFillingUpAreUploaded) {
  // After the head, 6 MiB cannot be split into a fill-up and a copy of at least 5 MiB.
  std::vector<int64_t> sizes{6 * kMiB, 100, 7 * kMiB};
  Result<std::vector<PlannedPart>> plan = PlanJoin(50, sizes);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ExpectValid(*plan, 50, sizes);
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_FALSE((*plan)[0].copy);
  EXPECT_FALSE((*plan)[1].copy);
}

TEST(PlanJoinTest, ExactlyFiveMiBIsCopiedAndOneByteLessIsNot) {
  std::vector<int64_t> sizes{kMinPartBytes, kMinPartBytes - 1, kMinPartBytes};
  Result<std::vector<PlannedPart>> plan = PlanJoin(0, sizes);
  ASSERT_TRUE(plan.ok());
  ExpectValid(*plan, 0, sizes);
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_TRUE((*plan)[0].copy);
  EXPECT_EQ((*plan)[0].size(), kMinPartBytes);
  EXPECT_FALSE((*plan)[1].copy);  // 5 MiB - 1 then the whole last object: it cannot be split in two parts
  EXPECT_EQ((*plan)[1].size(), 2 * kMinPartBytes - 1);
}

TEST(PlanJoinTest, FillingUpLeavesAtLeastFiveMiBToCopy) {
  int64_t head = 10;
  std::vector<int64_t> exact{2 * kMinPartBytes - head};      // fill 5 MiB - 10, rest exactly 5 MiB: copied
  std::vector<int64_t> one_less{2 * kMinPartBytes - head - 1};  // rest 1 B short: all uploaded
  Result<std::vector<PlannedPart>> plan = PlanJoin(head, exact);
  ASSERT_TRUE(plan.ok());
  ExpectValid(*plan, head, exact);
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_TRUE((*plan)[1].copy);
  EXPECT_EQ((*plan)[1].size(), kMinPartBytes);
  plan = PlanJoin(head, one_less);
  ASSERT_TRUE(plan.ok());
  ExpectValid(*plan, head, one_less);
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_FALSE((*plan)[0].copy);
}

TEST(PlanJoinTest, ManyTinyPartsAreGatheredIntoFiveMiBUploads) {
  std::vector<int64_t> sizes(20000, 1000);  // 20 MB in 20000 objects
  sizes[7] = 0;                              // an empty part file is skipped
  Result<std::vector<PlannedPart>> plan = PlanJoin(30, sizes);
  ASSERT_TRUE(plan.ok());
  ExpectValid(*plan, 30, sizes);
  EXPECT_EQ(plan->size(), 4u);
  for (const PlannedPart& part : *plan) EXPECT_FALSE(part.copy);
}

TEST(PlanJoinTest, OneHugePartIsCopiedInRangesOfAtMostOneGiB) {
  std::vector<int64_t> sizes{int64_t{12} * 1024 * kMiB + 3};
  Result<std::vector<PlannedPart>> plan = PlanJoin(0, sizes);
  ASSERT_TRUE(plan.ok());
  ExpectValid(*plan, 0, sizes);
  EXPECT_EQ(plan->size(), 13u);
  for (const PlannedPart& part : *plan) EXPECT_TRUE(part.copy);
}

TEST(PlanJoinTest, MoreThanTenThousandPartsIsAFailure) {
  std::vector<int64_t> sizes(10001, kMinPartBytes);
  Result<std::vector<PlannedPart>> plan = PlanJoin(0, sizes);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("10000"), std::string::npos) << plan.status().message();
  sizes.pop_back();
  EXPECT_TRUE(PlanJoin(0, sizes).ok());
}

}  // namespace
}  // namespace sicoop::storage
