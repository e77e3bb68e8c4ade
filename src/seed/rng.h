// The seed generator's randomness. Every generated entity (a member, a card, a movimento) draws from
// its own SplitMix64 stream keyed by (seed, kind, id), so what a row holds depends only on the seed
// and its id: never on the thread that made it, the chunk size or the order of generation.
#pragma once

#include <cmath>
#include <cstdint>

namespace sicoop::seed {

class Rng {
 public:
  // A stream for entity `id` of kind `kind` (a small constant per table) under `seed`.
  Rng(uint64_t seed, uint64_t kind, uint64_t id) : state_(Mix(Mix(seed ^ Mix(kind)) + id)) {}

  uint64_t Next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return Mix(state_);
  }
  // Uniform in [0, n), n > 0 (Lemire's multiply-shift; the bias is below 2^-32 for our n).
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64); }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1))); }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  // Standard normal (Box-Muller; one value per call keeps the stream position simple).
  double Normal() {
    double u = 1.0 - Unit();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * Unit());
  }

  static uint64_t Mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

// Draws an index from integer weights; `cumulative` holds running sums, the last being the total.
template <typename Cumulative>
size_t PickWeighted(Rng& rng, const Cumulative& cumulative) {
  uint64_t target = rng.Below(cumulative.back());
  size_t lo = 0, hi = cumulative.size() - 1;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cumulative[mid] > target) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

}  // namespace sicoop::seed
