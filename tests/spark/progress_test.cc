#include "spark/progress.h"

#include <gtest/gtest.h>

namespace sicoop::spark {
namespace {

TEST(ProgressTest, CountsTasksOverAllStagesWithTheRunningOnesAndBytesRead) {
  ExecutionProgress progress;
  progress.stages = {{1, 4, 4, 1024 * 1024, true}, {2, 200, 120, 11 * 1024 * 1024 + 512 * 1024, false}};
  progress.num_inflight_tasks = 2;
  EXPECT_EQ(FormatProgress(progress), "Spark: 124/204 tasks done, 2 running, 12.5 MB read");
}

TEST(ProgressTest, NothingReadShowsNoBytesNorStageNumbers) {
  ExecutionProgress progress;
  progress.stages = {{1, 4, 4, 0, true}, {3, 8, 8, 0, true}};
  EXPECT_EQ(FormatProgress(progress), "Spark: 12/12 tasks done");
}

TEST(ProgressTest, NoStageYet) {
  EXPECT_EQ(FormatProgress(ExecutionProgress{}), "Spark: starting");
}

}  // namespace
}  // namespace sicoop::spark
