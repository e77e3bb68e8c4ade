#include "support/seeded_database.h"

#include <gtest/gtest.h>

#include "db/schema.h"
#include "seed/seed.h"

namespace sicoop::testing {

FreshDatabase MakeSeededDatabase(const std::string& dialect, int64_t movimentos, uint64_t seed) {
  FreshDatabase fresh = MakeFreshDatabase(dialect);
  if (!fresh.connection) return fresh;
  Status init = db::InitSchema(*fresh.connection);
  if (!init.ok()) {
    ADD_FAILURE() << "cannot create the schema on " << dialect << ": " << init.message();
    fresh.connection.reset();
    return fresh;
  }
  seed::SeedOptions options;
  options.movimentos = movimentos;
  options.seed = seed;
  auto seeded = seed::Seed(*fresh.connection, options);
  if (!seeded.ok()) {
    ADD_FAILURE() << "cannot seed " << movimentos << " movimentos on " << dialect << ": " << seeded.status().message();
    fresh.connection.reset();
  }
  return fresh;
}

}  // namespace sicoop::testing
