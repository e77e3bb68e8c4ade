#include <gtest/gtest.h>

#include "storage/object_join.h"

namespace sicoop::storage {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;
constexpr int64_t kGiB = int64_t{1} << 30;

// Checks what every plan must satisfy: the pieces cover the head and then each object exactly once,
// in order; every part but the last has at least 5 MiB; a copy is one whole object of 5 MiB to
// 5 GiB; an uploaded part holds less than 16 MiB (what sicoop keeps in memory); at most 10000 parts.
void ExpectValid(const std::vector<PlannedPart>& plan, int64_t head, const std::vector<int64_t>& sizes) {
  EXPECT_LE(plan.size(), static_cast<size_t>(kMaxParts));
  int source = -1;
  int64_t offset = 0;
  auto size_of = [&](int s) { return s < 0 ? head : sizes[s]; };
  auto skip_finished = [&] {
    while (offset == size_of(source) && source + 1 < static_cast<int>(sizes.size())) {
      ++source;
      offset = 0;
    }
  };
  for (size_t i = 0; i < plan.size(); ++i) {
    const PlannedPart& part = plan[i];
    if (i + 1 < plan.size()) {
      EXPECT_GE(part.size(), kMinPartBytes) << "part " << i + 1;
    }
    if (part.copy) {
      ASSERT_EQ(part.pieces.size(), 1u) << "part " << i + 1;
      const Piece& piece = part.pieces.front();
      ASSERT_GE(piece.source, 0) << "part " << i + 1;
      EXPECT_EQ(piece.offset, 0) << "part " << i + 1;
      EXPECT_EQ(piece.length, sizes[piece.source]) << "part " << i + 1;
      EXPECT_GE(piece.length, kMinPartBytes) << "part " << i + 1;
      EXPECT_LE(piece.length, kMaxCopyBytes) << "part " << i + 1;
    } else {
      EXPECT_LT(part.size(), 2 * kUploadPartBytes) << "part " << i + 1;
    }
    for (const Piece& piece : part.pieces) {
      skip_finished();
      EXPECT_EQ(piece.source, source) << "part " << i + 1;
      EXPECT_EQ(piece.offset, offset) << "part " << i + 1;
      EXPECT_GT(piece.length, 0) << "part " << i + 1;
      offset += piece.length;
    }
  }
  skip_finished();
  EXPECT_EQ(source, sizes.empty() ? -1 : static_cast<int>(sizes.size()) - 1);
  EXPECT_EQ(offset, size_of(source));
}

// "c" for a copied part, "u" for an uploaded one, in order.
std::string Kinds(const std::vector<PlannedPart>& plan) {
  std::string kinds;
  for (const PlannedPart& part : plan) kinds += part.copy ? 'c' : 'u';
  return kinds;
}

Result<std::vector<PlannedPart>> ValidPlan(int64_t head, const std::vector<int64_t>& sizes) {
  Result<std::vector<PlannedPart>> plan = PlanJoin(head, sizes);
  EXPECT_TRUE(plan.ok()) << plan.status().message();
  if (plan.ok()) ExpectValid(*plan, head, sizes);
  return plan;
}

TEST(PlanJoinTest, EmptyListIsTheHeadAlone) {
  Result<std::vector<PlannedPart>> plan = ValidPlan(120, {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Kinds(*plan), "u");
  EXPECT_EQ((*plan)[0].size(), 120);
  EXPECT_TRUE(PlanJoin(0, {})->empty());
}

TEST(PlanJoinTest, OnlyTheHeaderAndTheFirstOfSparksPartsTravelThroughSicoop) {
  // The head is pending, so the first object is uploaded with it in two parts of about 10 MiB
  // ending at its end; every later object is copied whole.
  std::vector<int64_t> sizes{20 * kMiB, 20 * kMiB, 7 * kMiB, 20 * kMiB + 1};
  Result<std::vector<PlannedPart>> plan = ValidPlan(50, sizes);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Kinds(*plan), "uuccc");
  EXPECT_EQ((*plan)[0].pieces.size(), 2u);
  EXPECT_EQ((*plan)[0].size(), (20 * kMiB + 50) / 2);
  EXPECT_EQ((*plan)[1].size(), 20 * kMiB + 50 - (20 * kMiB + 50) / 2);
  EXPECT_EQ((*plan)[2].pieces[0].source, 1);
}

TEST(PlanJoinTest, HeadAndAFiveMiBObjectAreOneUploadedPart) {
  Result<std::vector<PlannedPart>> plan = ValidPlan(50, {kMinPartBytes});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Kinds(*plan), "u");
  EXPECT_EQ((*plan)[0].size(), kMinPartBytes + 50);
  plan = ValidPlan(50, {kMinPartBytes, kMinPartBytes});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Kinds(*plan), "uc");
}

TEST(PlanJoinTest, HeadAndManyTinyObjectsAreGatheredIntoUploadsEndingAtAnObjectsEnd) {
  std::vector<int64_t> sizes(20000, 1000);  // 20 MB in 20000 objects
  sizes[7] = 0;                              // an empty part file is skipped
  Result<std::vector<PlannedPart>> plan = ValidPlan(30, sizes);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Kinds(*plan), "uuuu");
  for (const PlannedPart& part : *plan) {
    EXPECT_EQ(part.pieces.back().offset + part.pieces.back().length, 1000) << "a part ends inside an object";
  }
  // Each part closes with the object that brings it to 5 MiB.
  EXPECT_LT((*plan)[0].size(), kMinPartBytes + 1000);
  EXPECT_LT((*plan)[3].size(), kMinPartBytes);
}

TEST(PlanJoinTest, ObjectsOfExactlyFiveMiBAreCopiedWhenNothingIsPending) {
  Result<std::vector<PlannedPart>> plan = ValidPlan(0, {kMinPartBytes, kMinPartBytes, kMinPartBytes});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Kinds(*plan), "ccc");
  // One byte less is pending, and takes the next object along (10 MiB - 1 in one part); the third
  // is copied again.
  std::vector<int64_t> sizes{kMinPartBytes - 1, kMinPartBytes, kMinPartBytes};
  plan = ValidPlan(0, sizes);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Kinds(*plan), "uc");
  EXPECT_EQ((*plan)[0].size(), 2 * kMinPartBytes - 1);
}

TEST(PlanJoinTest, AnObjectAfterPendingBytesIsUploadedAndTheNextLargeOneCopied) {
  // 100 B pending; 30 MiB + 100 B in three uploaded parts; 6 MiB copied; 100 B pending again; the
  // last 5 MiB uploaded with them.
  std::vector<int64_t> sizes{100, 30 * kMiB, 6 * kMiB, 100, kMinPartBytes};
  Result<std::vector<PlannedPart>> plan = ValidPlan(0, sizes);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Kinds(*plan), "uuucu");
  EXPECT_EQ((*plan)[4].size(), kMinPartBytes + 100);
}

TEST(PlanJoinTest, AnObjectOverFiveGiBIsUploadedInEightMiBParts) {
  Result<std::vector<PlannedPart>> plan = ValidPlan(0, {kMaxCopyBytes});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Kinds(*plan), "c");
  std::vector<int64_t> sizes{6 * kMiB, 5 * kGiB + 1, 6 * kMiB};
  plan = ValidPlan(0, sizes);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->size(), 642u);  // 5 GiB / 8 MiB = 640 uploaded parts between two copies
  EXPECT_TRUE(plan->front().copy);
  EXPECT_TRUE(plan->back().copy);
  for (size_t i = 1; i + 1 < plan->size(); ++i) {
    EXPECT_FALSE((*plan)[i].copy);
    EXPECT_GE((*plan)[i].size(), kUploadPartBytes);
    EXPECT_LE((*plan)[i].size(), kUploadPartBytes + 1);
  }
}

TEST(PlanJoinTest, EmptyObjectsAreSkipped) {
  EXPECT_TRUE(ValidPlan(0, {0, 0})->empty());
  Result<std::vector<PlannedPart>> plan = ValidPlan(0, {0, 6 * kMiB, 0, 6 * kMiB, 0});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Kinds(*plan), "cc");
  plan = ValidPlan(10, {0});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Kinds(*plan), "u");
  EXPECT_EQ((*plan)[0].size(), 10);
}

TEST(PlanJoinTest, MoreThanTenThousandPartsIsAFailureSayingWhatToChange) {
  std::vector<int64_t> sizes(kMaxParts, kMinPartBytes);
  Result<std::vector<PlannedPart>> plan = ValidPlan(0, sizes);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->size(), 10000u);
  // The head goes with the first object into one part: still 10000.
  EXPECT_TRUE(ValidPlan(10, sizes).ok());
  sizes.push_back(100);
  plan = PlanJoin(0, sizes);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("10000 multipart parts"), std::string::npos) << plan.status().message();
  EXPECT_NE(plan.status().message().find("10001 part objects"), std::string::npos) << plan.status().message();
  EXPECT_NE(plan.status().message().find("write fewer part files, none over 5 GiB"), std::string::npos)
      << plan.status().message();

  // One object uploaded in 8 MiB parts: 10000 of them fit, 10001 do not.
  EXPECT_TRUE(PlanJoin(0, {kMaxParts * kUploadPartBytes}).ok());
  EXPECT_FALSE(PlanJoin(0, {(kMaxParts + 1) * kUploadPartBytes}).ok());
}

}  // namespace
}  // namespace sicoop::storage
