// Splitting the movimento table into time slices. Each JDBC partition reads one slice of
// data_movimento, so the partitions are already in the CSV's order: Spark sorts each within itself
// and writes them as part files in that order, with no shuffle of the big table and one read of it.
#pragma once

#include <string>
#include <vector>

namespace sicoop::pipeline {

// `slices` SQL predicates on `column` that together cover every value exactly once: the first is
// open below, the last open above, and the boundaries split [first, last] into equal spans of
// whole seconds. One slice (or an unparsable range) gives one predicate that is always true.
std::vector<std::string> TimeSlicePredicates(const std::string& column, const std::string& first,
                                             const std::string& last, int slices);

}  // namespace sicoop::pipeline
