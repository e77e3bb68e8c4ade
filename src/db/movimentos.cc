#include "db/movimentos.h"

#include <algorithm>
#include <numeric>

#include "db/bulk_rows.h"
#include "db/merchants.h"
#include "db/rng.h"
#include "db/wall_clock.h"

namespace sicoop::db {
namespace {

constexpr uint64_t kMovimentoStream = 4;
constexpr uint64_t kHomeCityStream = 5;
constexpr double kRefundShare = 0.01;
constexpr double kAwayFromHomeShare = 0.12;

// Relative activity per weekday, Monday first, out of 125.
constexpr int kWeekdayActivity[] = {95, 95, 100, 105, 125, 120, 70};
constexpr int kMaxActivity = 125 * 125;

// A day in [first_day, last_day] with weekly and yearly seasonality (rejection sampling).
int64_t PickDay(Rng& rng, int64_t first_day, int64_t last_day) {
  int64_t day = first_day;
  for (int attempt = 0; attempt < 16; ++attempt) {
    day = rng.Between(first_day, last_day);
    int activity = kWeekdayActivity[Weekday(day)] * (MonthOfDay(day) == 12 ? 125 : 100);
    if (static_cast<int>(rng.Below(kMaxActivity)) < activity) break;
  }
  return day;
}

}  // namespace

MovimentoWriter::MovimentoWriter(const GeneratorConfig& config, const std::vector<CardRef>& cards)
    : config_(config), cards_(cards) {
  uint64_t n = cards.size();
  shuffle_ = n <= 1 ? 1 : 0x9e3779b97f4a7c15ULL % n;
  while (n > 1 && std::gcd(shuffle_, n) != 1) shuffle_ = (shuffle_ + 1) % n;
}

void MovimentoWriter::Write(int64_t first_id, int64_t count, BulkRowWriter& out) const {
  const uint64_t n = cards_.size();
  for (int64_t id = first_id; id < first_id + count; ++id) {
    Rng rng(config_.seed, kMovimentoStream, static_cast<uint64_t>(id));
    // Squaring a uniform draw favours low ranks; the shuffle spreads busy cards over all ids.
    double u = rng.Unit();
    auto rank = static_cast<uint64_t>(u * u * static_cast<double>(n));
    const CardRef& card = cards_[static_cast<unsigned __int128>(rank) * shuffle_ % n];

    Purchase purchase = MakePurchase(rng);
    int64_t earliest = std::max(config_.from, card.created + 60);
    int64_t when = earliest;
    for (int attempt = 0; attempt < 8; ++attempt) {
      int64_t day = PickDay(rng, earliest / kSecondsPerDay, (config_.to - 1) / kSecondsPerDay);
      int64_t t = day * kSecondsPerDay + purchase.hour * 3600 + rng.Between(0, 3599);
      if (t >= earliest && t < config_.to) {
        when = t;
        break;
      }
    }
    bool refund = rng.Chance(kRefundShare);

    out.BigInt(id);
    out.Cents(refund ? -purchase.cents : purchase.cents);
    out.BeginText();
    if (refund) out.AddText("Estorno ");
    out.AddText(purchase.merchant);
    if (!purchase.online) {
      int city = static_cast<int>(Rng(config_.seed, kHomeCityStream, static_cast<uint64_t>(card.id)).Below(CityCount()));
      if (rng.Chance(kAwayFromHomeShare)) city = static_cast<int>(rng.Below(CityCount()));
      out.AddText(" - ");
      out.AddText(CityName(city));
    }
    out.EndText();
    out.Timestamp(when);
    out.Integer(static_cast<int32_t>(card.id));
    out.EndRow();
  }
}

}  // namespace sicoop::db
