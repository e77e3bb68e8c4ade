#include "seed/merchants.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

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

struct Category {
  std::string_view name;
  uint32_t share;       // relative number of purchases
  double median_reais;  // the log-normal's median
  double sigma;         // its shape: larger = longer tail of big purchases
  int64_t min_cents, max_cents;
  bool online;
  const HourProfile* hours;
  WeightedList<std::string_view> merchants;
};

const Category kCategories[] = {
    {"mercado", 22, 85.0, 0.9, 250, 250000, false, &kShops,
     {{"Supermercado Bom Preço", 5}, {"Atacadão", 4}, {"Carrefour", 4}, {"Assaí Atacadista", 4},
      {"Mercado São Jorge", 3}, {"Hortifruti Família", 2}, {"Pão de Açúcar", 3}, {"Supermercados Irmãos Müller", 2}}},
    {"farmácia", 9, 45.0, 0.7, 300, 120000, false, &kShops,
     {{"Drogaria São Paulo", 4}, {"Droga Raia", 5}, {"Drogasil", 5}, {"Farmácia Popular do Brasil", 2},
      {"Pague Menos", 3}, {"Farmácia Preço Justo", 2}}},
    {"posto", 10, 150.0, 0.5, 1000, 150000, false, &kShops,
     {{"Posto Ipiranga", 5}, {"Posto Shell", 4}, {"Auto Posto Petrobras BR", 5}, {"Posto Ale", 2},
      {"Auto Posto São Cristóvão", 2}}},
    {"restaurante", 9, 60.0, 0.6, 1500, 250000, false, &kMeals,
     {{"Churrascaria Gaúcha", 3}, {"Restaurante Sabor Caseiro", 4}, {"Cantina Italiana Nonna", 2},
      {"Outback Steakhouse", 2}, {"Temakeria Japa", 2}, {"Restaurante Fogão a Lenha", 3}}},
    {"lanchonete", 14, 18.0, 0.6, 300, 25000, false, &kMeals,
     {{"Padaria Pão Quente", 5}, {"Lanchonete do Zé", 3}, {"McDonald's", 4}, {"Burger King", 3},
      {"Café & Cia", 2}, {"Pastelaria Japonesa", 2}, {"Açaí da Praça", 2}}},
    {"transporte", 9, 25.0, 0.6, 500, 30000, true, &kMeals,
     {{"Uber *Trip", 6}, {"99 Corridas", 4}, {"Pedágio Sem Parar", 2}, {"Estacionamento Centro", 2}}},
    {"e-commerce", 11, 120.0, 1.1, 500, 900000, true, &kShops,
     {{"Mercado Livre", 6}, {"Amazon.com.br", 5}, {"Magazine Luiza", 4}, {"Shopee", 4}, {"Americanas.com", 2},
      {"Casas Bahia Online", 2}, {"iFood", 5}}},
    {"assinatura", 5, 35.0, 0.4, 990, 30000, true, &kAutomatic,
     {{"Netflix.com", 5}, {"Spotify", 4}, {"Amazon Prime", 3}, {"Globoplay", 2}, {"Disney+", 2},
      {"Claro Internet", 2}, {"Vivo Fibra", 2}}},
    {"vestuário", 6, 150.0, 0.8, 2000, 300000, false, &kShops,
     {{"Renner", 4}, {"C&A", 3}, {"Riachuelo", 3}, {"Centauro", 2}, {"Hering", 2}, {"Calçados Bibi", 1}}},
    {"casa e construção", 5, 180.0, 1.0, 1000, 800000, false, &kShops,
     {{"Leroy Merlin", 3}, {"Tumelero Materiais", 2}, {"Madeireira São José", 2}, {"Tok&Stok", 1},
      {"Ferragens Três Irmãos", 2}}},
};

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
    for (const Category& category : kCategories) total += category.share;
    for (int h = 0; h < 24; ++h) {
      uint64_t cumulative = 0;
      for (const Category& category : kCategories) {
        double profile_total = 0;
        for (uint32_t a : *category.hours) profile_total += a;
        double weight = category.share / total * (*category.hours)[h] / profile_total;
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
  const Category& category = kCategories[PickWeighted(rng, Hours().categories[hour])];
  Purchase purchase;
  purchase.category = category.name;
  purchase.merchant = category.merchants.Pick(rng);
  purchase.online = category.online;
  double reais = category.median_reais * std::exp(category.sigma * rng.Normal());
  purchase.cents = std::clamp(std::llround(reais * 100.0), static_cast<long long>(category.min_cents),
                              static_cast<long long>(category.max_cents));
  return purchase;
}

std::string_view CityName(int city) { return kCities[city]; }
int CityCount() { return static_cast<int>(std::size(kCities)); }

}  // namespace sicoop::seed
