// A database of a test's own with the schema and seeded rows: what most ETL tests start from.
#pragma once

#include <cstdint>
#include <string>

#include "support/fresh_database.h"

namespace sicoop::testing {

// MakeFreshDatabase(dialect), then the schema and `movimentos` movimentos of `db seed --seed seed`.
// When a step fails, the test has failed and the connection is null.
FreshDatabase MakeSeededDatabase(const std::string& dialect, int64_t movimentos, uint64_t seed = 1);

}  // namespace sicoop::testing
