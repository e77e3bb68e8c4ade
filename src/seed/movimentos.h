// The card transactions (movimento): which card, what was bought, how much, when. Realism:
//  - ids follow time, as in a real transaction log: the movimentos of one run spread over the period
//    in id order, with more of them on busier days and hours (busier Fridays and Saturdays, quieter
//    Sundays, a busier December; the hours of the day over all categories);
//  - what is bought depends on the hour (lunch and dinner for restaurants, nights for subscription
//    charges); amounts per merchant category (merchants.h); about 1% are refunds ("Estorno ...",
//    negative);
//  - some cards are used far more than others (a skewed choice over a shuffled card order), and no
//    card is used before it was issued;
//  - physical purchases mostly in the card's home city, sometimes elsewhere (travel).
// Each movimento is a pure function of (seed, its id, the run's first id and count, the card list,
// the period), so any id range can be written on any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "db/bulk_rows.h"
#include "seed/cooperative.h"

namespace sicoop::seed {

class MovimentoWriter {
 public:
  // The run writes movimentos [first_id, first_id + count). `cards` must be non-empty, each created
  // before config.to; it is referenced, not copied. Holds 8 bytes per day of the period.
  MovimentoWriter(const GeneratorConfig& config, const std::vector<CardRef>& cards, int64_t first_id, int64_t count);

  // Writes the rows of movimentos [first, first + n), a part of the run's range.
  void Write(int64_t first, int64_t n, db::BulkRowWriter& out) const;

 private:
  // The time at `quantile` (in [0, 1)) of the period's activity: increasing in the quantile.
  int64_t TimeAt(double quantile) const;

  const GeneratorConfig& config_;
  const std::vector<CardRef>& cards_;
  const int64_t first_id_, count_;
  uint64_t shuffle_;  // coprime with cards_.size(): i -> i * shuffle_ % size is a permutation
  size_t oldest_card_ = 0;  // the first-issued card, for times before every other card
  std::vector<double> day_activity_;     // cumulative activity at the end of each day of the period
  std::array<double, 24> hour_activity_;  // cumulative share of a day's activity at the end of each hour
};

}  // namespace sicoop::seed
