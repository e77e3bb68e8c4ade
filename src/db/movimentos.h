// The card transactions (movimento): which card, what was bought, how much, when. Each movimento is a
// pure function of (seed, id, the card list, the period), so any id range can be written on any
// thread. Realism:
//  - some cards are used far more than others (a skewed choice over a shuffled card order);
//  - amounts per merchant category (merchants.h); about 1% are refunds ("Estorno ...", negative);
//  - physical purchases mostly in the card's home city, sometimes elsewhere (travel);
//  - times follow the category's hours of the day, busier Fridays and Saturdays, quieter Sundays,
//    a busier December; never before the card was issued, always inside [from, to).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/bulk_rows.h"
#include "db/cooperative.h"

namespace sicoop::db {

class MovimentoWriter {
 public:
  // `cards` must be non-empty, each created before config.to; it is referenced, not copied.
  MovimentoWriter(const GeneratorConfig& config, const std::vector<CardRef>& cards);

  // Writes the rows of movimentos [first_id, first_id + count).
  void Write(int64_t first_id, int64_t count, BulkRowWriter& out) const;

 private:
  const GeneratorConfig& config_;
  const std::vector<CardRef>& cards_;
  uint64_t shuffle_;  // coprime with cards_.size(): i -> i * shuffle_ % size is a permutation
};

}  // namespace sicoop::db
