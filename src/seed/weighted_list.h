// A fixed list of values with integer weights, drawn from with an Rng: the name lists, merchants and
// categories of the seed generator are all such lists.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

#include "seed/rng.h"

namespace sicoop::seed {

template <typename T>
class WeightedList {
 public:
  WeightedList(std::initializer_list<std::pair<T, uint32_t>> entries) {
    for (const auto& [value, weight] : entries) Add(value, weight);
  }
  WeightedList() = default;
  void Add(const T& value, uint32_t weight) {
    values_.push_back(value);
    cumulative_.push_back((cumulative_.empty() ? 0 : cumulative_.back()) + weight);
  }
  const T& Pick(Rng& rng) const { return values_[PickWeighted(rng, cumulative_)]; }
  const std::vector<T>& values() const { return values_; }

 private:
  std::vector<T> values_;
  std::vector<uint64_t> cumulative_;
};

}  // namespace sicoop::seed
