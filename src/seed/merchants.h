// What the cooperative's cards buy: merchants grouped by category (mercado, farmácia, posto,
// restaurante, lanchonete, transporte, e-commerce, assinatura, vestuário, casa e construção), each
// category with its own share of transactions, amount distribution (log-normal, in cents, clamped to
// a plausible range) and hours of the day; the merchants of each category are the cooperative's catalog
// (common/merchant_catalog.h), which the lake classifies movimentos by.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "seed/rng.h"

namespace sicoop::seed {

struct Purchase {
  std::string_view category;
  std::string_view merchant;  // as it appears on a statement, e.g. "Drogaria São Paulo"
  bool online = false;        // online merchants carry no city in the description
  int64_t cents = 0;          // > 0
};

// The share of a day's purchases made in each hour (0..23), over all categories; sums to 1.
const std::array<double, 24>& HourlyActivity();

// A purchase made at `hour`: its category drawn by the share each category has of that hour's
// purchases (lunch and dinner for restaurants, nights for subscription charges).
Purchase MakePurchaseAt(Rng& rng, int hour);

// The Brazilian cities (with accents) where the cooperative's cards are used.
std::string_view CityName(int city);
int CityCount();

}  // namespace sicoop::seed
