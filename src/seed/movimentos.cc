#include "seed/movimentos.h"

#include <algorithm>
#include <numeric>

#include "common/calendar.h"
#include "common/merchant_catalog.h"
#include "seed/merchants.h"
#include "seed/rng.h"

namespace sicoop::seed {
namespace {

constexpr uint64_t kMovimentoStream = 4;
constexpr uint64_t kHomeCityStream = 5;
constexpr double kRefundShare = 0.01;
constexpr double kAwayFromHomeShare = 0.12;
constexpr int kCardAttempts = 8;
constexpr int64_t kCardUsableAfter = 60;  // seconds after issue

// Relative activity per weekday, Monday first; December is a quarter busier.
constexpr int kWeekdayActivity[] = {95, 95, 100, 105, 125, 120, 70};

double DayActivity(int64_t day) { return kWeekdayActivity[Weekday(day)] * (MonthOfDay(day) == 12 ? 1.25 : 1.0); }

// The index of the first cumulative value above `x` (the last one when none is).
template <typename Cumulative>
size_t Bucket(const Cumulative& cumulative, double x) {
  auto it = std::upper_bound(cumulative.begin(), cumulative.end(), x);
  return std::min(static_cast<size_t>(it - cumulative.begin()), static_cast<size_t>(cumulative.size() - 1));
}

}  // namespace

MovimentoWriter::MovimentoWriter(const GeneratorConfig& config, const std::vector<CardRef>& cards, int64_t first_id,
                                 int64_t count)
    : config_(config), cards_(cards), first_id_(first_id), count_(std::max<int64_t>(count, 1)) {
  uint64_t n = cards.size();
  shuffle_ = n <= 1 ? 1 : 0x9e3779b97f4a7c15ULL % n;
  while (n > 1 && std::gcd(shuffle_, n) != 1) shuffle_ = (shuffle_ + 1) % n;
  for (size_t i = 1; i < cards.size(); ++i) {
    if (cards[i].created < cards[oldest_card_].created) oldest_card_ = i;
  }
  std::partial_sum(HourlyActivity().begin(), HourlyActivity().end(), hour_activity_.begin());
  double total = 0;
  for (int64_t day = config.from / kSecondsPerDay; day * kSecondsPerDay < config.to; ++day) {
    day_activity_.push_back(total += DayActivity(day));
  }
}

int64_t MovimentoWriter::TimeAt(double quantile) const {
  // The period's activity is a day's weight times the hour's share of the day, so the quantile
  // picks a day, what is left of it an hour, and what is left of that a second.
  double x = quantile * day_activity_.back();
  size_t day = Bucket(day_activity_, x);
  double day_start = day == 0 ? 0 : day_activity_[day - 1];
  double in_day = std::clamp((x - day_start) / (day_activity_[day] - day_start), 0.0, 1.0);
  double y = in_day * hour_activity_.back();
  size_t hour = Bucket(hour_activity_, y);
  double hour_start = hour == 0 ? 0 : hour_activity_[hour - 1];
  double in_hour = std::clamp((y - hour_start) / (hour_activity_[hour] - hour_start), 0.0, 1.0);
  auto second = std::min<int64_t>(static_cast<int64_t>(in_hour * 3600), 3599);
  int64_t first_day = config_.from / kSecondsPerDay;
  return (first_day + static_cast<int64_t>(day)) * kSecondsPerDay + static_cast<int64_t>(hour) * 3600 + second;
}

// Writes each row's fields in movimento's column order, as db/tables.cc describes them (the loader
// sends that order to the server): a column added there needs a field here.
void MovimentoWriter::Write(int64_t first, int64_t n, db::BulkRowWriter& out) const {
  const uint64_t card_count = cards_.size();
  for (int64_t id = first; id < first + n; ++id) {
    Rng rng(config_.seed, kMovimentoStream, static_cast<uint64_t>(id));
    // Each movimento owns an equal slice of the run's quantiles, so times never decrease with ids.
    int64_t when = TimeAt((static_cast<double>(id - first_id_) + rng.Unit()) / static_cast<double>(count_));
    when = std::clamp(when, config_.from, config_.to - 1);

    // Squaring a uniform draw favours low ranks; the shuffle spreads busy cards over all ids. A card
    // not yet issued at `when` is drawn again.
    const CardRef* card = nullptr;
    for (int attempt = 0; attempt < kCardAttempts && card == nullptr; ++attempt) {
      double u = rng.Unit();
      auto rank = static_cast<uint64_t>(u * u * static_cast<double>(card_count));
      const CardRef& candidate = cards_[static_cast<unsigned __int128>(rank) * shuffle_ % card_count];
      if (candidate.created + kCardUsableAfter <= when) card = &candidate;
    }
    if (card == nullptr) {
      card = &cards_[oldest_card_];
      when = std::max(when, card->created + kCardUsableAfter);
    }

    int hour = static_cast<int>((when % kSecondsPerDay + kSecondsPerDay) % kSecondsPerDay / 3600);
    Purchase purchase = MakePurchaseAt(rng, hour);
    bool refund = rng.Chance(kRefundShare);

    out.BigInt(id);
    out.Cents(refund ? -purchase.cents : purchase.cents);
    out.BeginText();
    if (refund) out.AddText(kRefundPrefix);
    out.AddText(purchase.merchant);
    if (!purchase.online) {
      int city = static_cast<int>(Rng(config_.seed, kHomeCityStream, static_cast<uint64_t>(card->id)).Below(CityCount()));
      if (rng.Chance(kAwayFromHomeShare)) city = static_cast<int>(rng.Below(CityCount()));
      out.AddText(kCitySeparator);
      out.AddText(CityName(city));
    }
    out.EndText();
    out.Timestamp(when);
    out.Integer(static_cast<int32_t>(card->id));
    out.EndRow();
  }
}

}  // namespace sicoop::seed
