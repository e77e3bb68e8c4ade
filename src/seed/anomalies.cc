#include "seed/anomalies.h"

#include <algorithm>

#include "common/calendar.h"
#include "seed/merchants.h"
#include "seed/rng.h"

namespace sicoop::seed {
namespace {

constexpr uint64_t kAnomalyStream = 6;
constexpr int64_t kCardUsableAfter = 60;  // seconds after issue, as for ordinary movimentos
constexpr int64_t kRoomNeeded = 2 * kSecondsPerDay;
constexpr int64_t kCardsPerChunk = 4096;
constexpr int64_t kMinute = 60, kHour = 3600;

struct Event {
  int64_t when;
  int64_t cents;
  std::string_view merchant;
  int city;  // -1: an online merchant, no city in the description
};

struct Scenario {
  std::string_view tipo;
  std::vector<Event> events;  // in time order
};

// A merchant of the kind asked for (online or in person), drawn as an ordinary purchase at `hour`
// is, until one of that kind comes: both kinds have a share of every hour, so the draw ends, and
// what it gives depends on the card's stream alone.
Purchase DrawMerchant(Rng& rng, int hour, bool online) {
  Purchase purchase = MakePurchaseAt(rng, hour);
  while (purchase.online != online) purchase = MakePurchaseAt(rng, hour);
  return purchase;
}

int HourOf(int64_t when) { return static_cast<int>((when - FloorDiv(when, kSecondsPerDay) * kSecondsPerDay) / kHour); }

Scenario CardTesting(Rng& rng, int64_t earliest, int64_t end) {
  Scenario scenario{kCardTesting, {}};
  int64_t start = rng.Between(earliest, end - 10 * kMinute - 1);
  std::string_view merchant = DrawMerchant(rng, HourOf(start), true).merchant;
  auto count = static_cast<int>(rng.Between(5, 12));
  for (int i = 0; i < count; ++i) scenario.events.push_back({start + rng.Between(0, 10 * kMinute - 1), rng.Between(100, 999), merchant, -1});
  return scenario;
}

Scenario DistantCities(Rng& rng, int64_t earliest, int64_t end) {
  Scenario scenario{kDistantCities, {}};
  auto count = static_cast<int>(rng.Between(2, 3));
  int64_t when = rng.Between(earliest, end - 2 * 20 * kMinute - 1);
  auto city = static_cast<int>(rng.Below(CityCount()));
  for (int i = 0; i < count; ++i) {
    if (i > 0) {
      when += rng.Between(2 * kMinute, 20 * kMinute);
      // Any other city of the catalog: the nearest two are hundreds of kilometres apart.
      city = static_cast<int>((city + 1 + rng.Below(CityCount() - 1)) % CityCount());
    }
    Purchase purchase = DrawMerchant(rng, HourOf(when), false);
    scenario.events.push_back({when, purchase.cents, purchase.merchant, city});
  }
  return scenario;
}

Scenario UnusualHourAndAmount(Rng& rng, int64_t earliest, int64_t end) {
  Scenario scenario{kUnusualHourAndAmount, {}};
  // A whole day inside [earliest, end): kRoomNeeded guarantees one.
  int64_t first_day = FloorDiv(earliest, kSecondsPerDay) + 1;
  int64_t last_day = FloorDiv(end, kSecondsPerDay) - 1;
  int64_t when = rng.Between(first_day, last_day) * kSecondsPerDay + rng.Between(1 * kHour, 3 * kHour - 1);
  auto count = static_cast<int>(rng.Between(1, 2));
  auto city = static_cast<int>(rng.Below(CityCount()));
  for (int i = 0; i < count; ++i) {
    if (i > 0) when += rng.Between(5 * kMinute, 60 * kMinute);  // still before 4h
    std::string_view merchant = DrawMerchant(rng, HourOf(when), false).merchant;
    scenario.events.push_back({when, rng.Between(200000, 900000), merchant, city});
  }
  return scenario;
}

// The scenario of `card`, from the stream that chose it (its first draw decided the choice).
Scenario MakeScenario(Rng& rng, const GeneratorConfig& config, const CardRef& card) {
  int64_t earliest = std::max(config.from, card.created + kCardUsableAfter);
  Scenario scenario;
  switch (rng.Below(3)) {
    case 0:
      scenario = CardTesting(rng, earliest, config.to);
      break;
    case 1:
      scenario = DistantCities(rng, earliest, config.to);
      break;
    default:
      scenario = UnusualHourAndAmount(rng, earliest, config.to);
      break;
  }
  std::sort(scenario.events.begin(), scenario.events.end(),
            [](const Event& a, const Event& b) { return a.when < b.when; });
  return scenario;
}

// A card's stream: its first draw decides whether the card gets a scenario (so a larger share keeps
// the cards a smaller one chose), the draws after it make the scenario.
struct CardDraw {
  bool chosen;
  Rng rng;
};

CardDraw DrawCard(const GeneratorConfig& config, const CardRef& card, double share) {
  Rng rng(config.seed, kAnomalyStream, static_cast<uint64_t>(card.id));
  bool fits = std::max(config.from, card.created + kCardUsableAfter) + kRoomNeeded <= config.to;
  bool chosen = rng.Unit() < share && fits;
  return {chosen, rng};
}

}  // namespace

AnomalyWriter::AnomalyWriter(const GeneratorConfig& config, const std::vector<CardRef>& cards, double share,
                             int64_t first_id)
    : config_(config), cards_(cards), first_id_(first_id) {
  if (share <= 0) return;
  for (size_t i = 0; i < cards.size(); ++i) {
    CardDraw draw = DrawCard(config, cards[i], share);
    if (!draw.chosen) continue;
    chosen_.push_back({static_cast<int64_t>(i), first_id + rows_});
    rows_ += static_cast<int64_t>(MakeScenario(draw.rng, config, cards[i]).events.size());
  }
}

int64_t AnomalyWriter::chunks() const {
  return (static_cast<int64_t>(chosen_.size()) + kCardsPerChunk - 1) / kCardsPerChunk;
}

int64_t AnomalyWriter::RowsIn(int64_t chunk) const {
  auto end = static_cast<size_t>(std::min<int64_t>((chunk + 1) * kCardsPerChunk, static_cast<int64_t>(chosen_.size())));
  int64_t end_id = end == chosen_.size() ? first_id_ + rows_ : chosen_[end].first_id;
  return end_id - chosen_[static_cast<size_t>(chunk * kCardsPerChunk)].first_id;
}

namespace {

// Calls visit(id, card, tipo, event) for every injected movimento of the chunk's cards, ids ascending.
template <typename Visit>
void ForEachInjected(const GeneratorConfig& config, const std::vector<CardRef>& cards, int64_t begin, int64_t end,
                     const auto& chosen, Visit visit) {
  for (int64_t c = begin; c < end; ++c) {
    const CardRef& card = cards[static_cast<size_t>(chosen[static_cast<size_t>(c)].card)];
    // Share 1: every chosen card qualifies; the draw only positions the stream.
    CardDraw draw = DrawCard(config, card, 1.0);
    Scenario scenario = MakeScenario(draw.rng, config, card);
    int64_t id = chosen[static_cast<size_t>(c)].first_id;
    for (const Event& event : scenario.events) visit(id++, card, scenario.tipo, event);
  }
}

}  // namespace

void AnomalyWriter::WriteMovimentos(int64_t chunk, db::BulkRowWriter& out) const {
  int64_t end = std::min<int64_t>((chunk + 1) * kCardsPerChunk, static_cast<int64_t>(chosen_.size()));
  ForEachInjected(config_, cards_, chunk * kCardsPerChunk, end, chosen_,
                  [&](int64_t id, const CardRef& card, std::string_view, const Event& event) {
                    out.BigInt(id);
                    out.Cents(event.cents);
                    out.BeginText();
                    out.AddText(event.merchant);
                    if (event.city >= 0) {
                      out.AddText(" - ");
                      out.AddText(CityName(event.city));
                    }
                    out.EndText();
                    out.Timestamp(event.when);
                    out.Integer(static_cast<int32_t>(card.id));
                    out.EndRow();
                  });
}

void AnomalyWriter::WriteLabels(int64_t chunk, db::BulkRowWriter& out) const {
  int64_t end = std::min<int64_t>((chunk + 1) * kCardsPerChunk, static_cast<int64_t>(chosen_.size()));
  ForEachInjected(config_, cards_, chunk * kCardsPerChunk, end, chosen_,
                  [&](int64_t id, const CardRef& card, std::string_view tipo, const Event&) {
                    out.BigInt(id);
                    out.Integer(static_cast<int32_t>(card.id));
                    out.Text(tipo);
                    out.EndRow();
                  });
}

}  // namespace sicoop::seed
