#include "seed/merchants.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "common/merchant_catalog.h"
#include "seed/weighted_list.h"

namespace sicoop::seed {
namespace {

// Relative activity per hour of the day (0..23).
using HourProfile = std::array<uint32_t, 24>;

//                          0  1  2  3  4  5  6  7   8   9  10  11  12  13  14  15  16  17  18  19  20  21  22  23
const HourProfile kShops = {1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 20, 22, 20, 18, 18, 18, 19, 22, 25, 22, 16, 10, 5, 2};
const HourProfile kMeals = {3, 2, 1, 1, 1, 1, 3, 8, 10, 6, 5, 16, 30, 28, 10, 6, 7, 9, 14, 24, 26, 18, 9, 5};
// Subscriptions are charged by batch jobs, mostly at night.
const HourProfile kAutomatic = {30, 25, 20, 12, 8, 6, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 10};

// How the seed generates a category's purchases; the category's merchants come from the catalog.
struct Generation {
  std::string_view category;
  uint32_t share;       // relative number of purchases
  double median_reais;  // the log-normal's median
  double sigma;         // its shape: larger = longer tail of big purchases
  int64_t min_cents, max_cents;
  bool online;
  const HourProfile* hours;
};

const Generation kGenerations[] = {
    {"mercado", 22, 85.0, 0.9, 250, 250000, false, &kShops},
    {"farmácia", 9, 45.0, 0.7, 300, 120000, false, &kShops},
    {"posto", 10, 150.0, 0.5, 1000, 150000, false, &kShops},
    {"restaurante", 9, 60.0, 0.6, 1500, 250000, false, &kMeals},
    {"lanchonete", 14, 18.0, 0.6, 300, 25000, false, &kMeals},
    {"transporte", 9, 25.0, 0.6, 500, 30000, true, &kMeals},
    {"e-commerce", 11, 120.0, 1.1, 500, 900000, true, &kShops},
    {"assinatura", 5, 35.0, 0.4, 990, 30000, true, &kAutomatic},
    {"vestuário", 6, 150.0, 0.8, 2000, 300000, false, &kShops},
    {"casa e construção", 5, 180.0, 1.0, 1000, 800000, false, &kShops},
};

struct Category {
  std::string_view name;
  const Generation* generation;
  WeightedList<std::string_view> merchants;
};

// The catalog's categories in its order (the draws depend on it), each with its generation.
const std::vector<Category>& Categories() {
  static const std::vector<Category> kCategories = [] {
    std::vector<Category> categories;
    for (const MerchantCategory& entry : MerchantCatalog()) {
      Category category{entry.name, nullptr, {}};
      for (const Generation& generation : kGenerations) {
        if (generation.category == entry.name) category.generation = &generation;
      }
      // A catalog category the seed does not generate is a programming error caught by any seed test.
      if (category.generation == nullptr) std::abort();
      for (const CatalogMerchant& merchant : entry.merchants) category.merchants.Add(merchant.name, merchant.weight);
      categories.push_back(std::move(category));
    }
    return categories;
  }();
  return kCategories;
}

constexpr std::string_view kCities[] = {
    "São Paulo", "Belo Horizonte", "Curitiba",  "Porto Alegre", "Goiânia",     "Florianópolis", "Maringá",
    "Londrina",  "Ribeirão Preto", "Cuiabá",    "Brasília",     "Uberlândia",  "Chapecó",       "Cascavel",
    "Jundiaí",   "São José do Rio Preto",       "Campo Grande", "Blumenau",    "Passo Fundo",   "Vitória",
};

// Per hour of the day: the share of the day's purchases, and the categories' cumulative weights in
// that hour (a category's share times the fraction of its own purchases made in that hour).
struct HourTables {
  std::array<double, 24> activity{};
  std::array<std::vector<uint64_t>, 24> categories;
};

const HourTables& Hours() {
  static const HourTables kTables = [] {
    HourTables tables;
    double total = 0;
    for (const Category& category : Categories()) total += category.generation->share;
    for (int h = 0; h < 24; ++h) {
      uint64_t cumulative = 0;
      for (const Category& category : Categories()) {
        const Generation& generation = *category.generation;
        double profile_total = 0;
        for (uint32_t a : *generation.hours) profile_total += a;
        double weight = generation.share / total * (*generation.hours)[h] / profile_total;
        tables.activity[h] += weight;
        cumulative += static_cast<uint64_t>(std::llround(weight * 1e9));
        tables.categories[h].push_back(cumulative);
      }
    }
    return tables;
  }();
  return kTables;
}

}  // namespace

const std::array<double, 24>& HourlyActivity() { return Hours().activity; }

Purchase MakePurchaseAt(Rng& rng, int hour) {
  const Category& category = Categories()[PickWeighted(rng, Hours().categories[hour])];
  const Generation& generation = *category.generation;
  Purchase purchase;
  purchase.category = category.name;
  purchase.merchant = category.merchants.Pick(rng);
  purchase.online = generation.online;
  double reais = generation.median_reais * std::exp(generation.sigma * rng.Normal());
  purchase.cents = std::clamp(std::llround(reais * 100.0), static_cast<long long>(generation.min_cents),
                              static_cast<long long>(generation.max_cents));
  return purchase;
}

std::string_view CityName(int city) { return kCities[city]; }
int CityCount() { return static_cast<int>(std::size(kCities)); }

}  // namespace sicoop::seed
