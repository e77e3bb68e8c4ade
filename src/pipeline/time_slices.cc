#include "pipeline/time_slices.h"

#include <algorithm>

#include "common/calendar.h"

namespace sicoop::pipeline {
std::vector<std::string> TimeSlicePredicates(const std::string& column, const std::string& first,
                                             const std::string& last, int slices) {
  auto from = ParseWallClock(first);
  auto to = ParseWallClock(last);
  if (slices <= 1 || !from || !to || *to <= *from) return {"1 = 1"};
  int64_t span = *to - *from + 1;
  int64_t count = std::min<int64_t>(slices, span);
  std::vector<std::string> boundaries;
  for (int64_t i = 1; i < count; ++i) {
    boundaries.push_back("'" + FormatWallClock(*from + span * i / count) + "'");
  }
  std::vector<std::string> predicates;
  predicates.push_back(column + " < " + boundaries.front());
  for (size_t i = 1; i < boundaries.size(); ++i) {
    predicates.push_back(column + " >= " + boundaries[i - 1] + " AND " + column + " < " + boundaries[i]);
  }
  predicates.push_back(column + " >= " + boundaries.back());
  return predicates;
}

}  // namespace sicoop::pipeline
