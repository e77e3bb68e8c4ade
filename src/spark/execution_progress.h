// What Spark reports while it runs a plan (ExecutePlanResponse.ExecutionProgress): one entry per
// stage that has started, and the tasks running right now.
#pragma once

#include <cstdint>
#include <vector>

namespace sicoop::spark {

struct ExecutionProgress {
  struct Stage {
    int64_t stage_id = 0;
    int64_t num_tasks = 0;
    int64_t num_completed_tasks = 0;
    int64_t input_bytes_read = 0;
    bool done = false;
  };
  std::vector<Stage> stages;
  int64_t num_inflight_tasks = 0;
};

}  // namespace sicoop::spark
