// Figures of one lake run for its HTML page (report/run_page.h) that the manifest does not hold:
// the movimentos the run's ingest added to raw.movimento, per day of data_movimento.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "spark/session.h"

namespace sicoop::lake {

struct DayCount {
  std::string day;  // "YYYY-MM-DD"
  int64_t movimentos = 0;
};

// The rows of raw.movimento written by the run `run_id` (its _sicoop_run_id), per calendar day of
// data_movimento, oldest first; days without any are left out. Reads the lake open in `spark`'s
// session.
Result<std::vector<DayCount>> MovimentosPerDayOfRun(spark::SparkSession& spark, const std::string& run_id);

}  // namespace sicoop::lake
