#include "db/merchants.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "db/weighted_list.h"

namespace sicoop::db {
namespace {

// The hour of the day (0..23) of a purchase, drawn from relative activity per hour.
class HourDistribution {
 public:
  explicit HourDistribution(const std::array<uint32_t, 24>& activity) {
    uint64_t total = 0;
    for (int h = 0; h < 24; ++h) cumulative_[h] = total += activity[h];
  }
  int Pick(Rng& rng) const { return static_cast<int>(PickWeighted(rng, cumulative_)); }

 private:
  std::array<uint64_t, 24> cumulative_{};
};

//                                 0  1  2  3  4  5  6  7   8   9  10  11  12  13  14  15  16  17  18  19  20  21  22  23
const HourDistribution kShops(std::array<uint32_t, 24>{1, 1, 1, 1, 1, 2, 4, 8, 14, 18, 20, 22, 20, 18, 18, 18, 19, 22, 25, 22, 16, 10, 5, 2});
const HourDistribution kMeals(std::array<uint32_t, 24>{3, 2, 1, 1, 1, 1, 3, 8, 10, 6, 5, 16, 30, 28, 10, 6, 7, 9, 14, 24, 26, 18, 9, 5});
// Subscriptions are charged by batch jobs, mostly at night.
const HourDistribution kAutomatic(std::array<uint32_t, 24>{30, 25, 20, 12, 8, 6, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 10});

struct Category {
  std::string_view name;
  double median_reais;  // the log-normal's median
  double sigma;         // its shape: larger = longer tail of big purchases
  int64_t min_cents, max_cents;
  bool online;
  const HourDistribution* hours;
  WeightedList<std::string_view> merchants;
};

const WeightedList<int> kCategoryShares = {{0, 22}, {1, 9}, {2, 10}, {3, 9}, {4, 14}, {5, 9},
                                           {6, 11}, {7, 5}, {8, 6},  {9, 5}};

const Category kCategories[] = {
    {"mercado", 85.0, 0.9, 250, 250000, false, &kShops,
     {{"Supermercado Bom Preço", 5}, {"Atacadão", 4}, {"Carrefour", 4}, {"Assaí Atacadista", 4},
      {"Mercado São Jorge", 3}, {"Hortifruti Família", 2}, {"Pão de Açúcar", 3}, {"Supermercados Irmãos Müller", 2}}},
    {"farmácia", 45.0, 0.7, 300, 120000, false, &kShops,
     {{"Drogaria São Paulo", 4}, {"Droga Raia", 5}, {"Drogasil", 5}, {"Farmácia Popular do Brasil", 2},
      {"Pague Menos", 3}, {"Farmácia Preço Justo", 2}}},
    {"posto", 150.0, 0.5, 1000, 150000, false, &kShops,
     {{"Posto Ipiranga", 5}, {"Posto Shell", 4}, {"Auto Posto Petrobras BR", 5}, {"Posto Ale", 2},
      {"Auto Posto São Cristóvão", 2}}},
    {"restaurante", 60.0, 0.6, 1500, 250000, false, &kMeals,
     {{"Churrascaria Gaúcha", 3}, {"Restaurante Sabor Caseiro", 4}, {"Cantina Italiana Nonna", 2},
      {"Outback Steakhouse", 2}, {"Temakeria Japa", 2}, {"Restaurante Fogão a Lenha", 3}}},
    {"lanchonete", 18.0, 0.6, 300, 25000, false, &kMeals,
     {{"Padaria Pão Quente", 5}, {"Lanchonete do Zé", 3}, {"McDonald's", 4}, {"Burger King", 3},
      {"Café & Cia", 2}, {"Pastelaria Japonesa", 2}, {"Açaí da Praça", 2}}},
    {"transporte", 25.0, 0.6, 500, 30000, true, &kMeals,
     {{"Uber *Trip", 6}, {"99 Corridas", 4}, {"Pedágio Sem Parar", 2}, {"Estacionamento Centro", 2}}},
    {"e-commerce", 120.0, 1.1, 500, 900000, true, &kShops,
     {{"Mercado Livre", 6}, {"Amazon.com.br", 5}, {"Magazine Luiza", 4}, {"Shopee", 4}, {"Americanas.com", 2},
      {"Casas Bahia Online", 2}, {"iFood", 5}}},
    {"assinatura", 35.0, 0.4, 990, 30000, true, &kAutomatic,
     {{"Netflix.com", 5}, {"Spotify", 4}, {"Amazon Prime", 3}, {"Globoplay", 2}, {"Disney+", 2},
      {"Claro Internet", 2}, {"Vivo Fibra", 2}}},
    {"vestuário", 150.0, 0.8, 2000, 300000, false, &kShops,
     {{"Renner", 4}, {"C&A", 3}, {"Riachuelo", 3}, {"Centauro", 2}, {"Hering", 2}, {"Calçados Bibi", 1}}},
    {"casa e construção", 180.0, 1.0, 1000, 800000, false, &kShops,
     {{"Leroy Merlin", 3}, {"Tumelero Materiais", 2}, {"Madeireira São José", 2}, {"Tok&Stok", 1},
      {"Ferragens Três Irmãos", 2}}},
};

constexpr std::string_view kCities[] = {
    "São Paulo", "Belo Horizonte", "Curitiba",  "Porto Alegre", "Goiânia",     "Florianópolis", "Maringá",
    "Londrina",  "Ribeirão Preto", "Cuiabá",    "Brasília",     "Uberlândia",  "Chapecó",       "Cascavel",
    "Jundiaí",   "São José do Rio Preto",       "Campo Grande", "Blumenau",    "Passo Fundo",   "Vitória",
};

}  // namespace

Purchase MakePurchase(Rng& rng) {
  const Category& category = kCategories[kCategoryShares.Pick(rng)];
  Purchase purchase;
  purchase.category = category.name;
  purchase.merchant = category.merchants.Pick(rng);
  purchase.online = category.online;
  double reais = category.median_reais * std::exp(category.sigma * rng.Normal());
  purchase.cents = std::clamp(std::llround(reais * 100.0), static_cast<long long>(category.min_cents),
                              static_cast<long long>(category.max_cents));
  purchase.hour = category.hours->Pick(rng);
  return purchase;
}

std::string_view CityName(int city) { return kCities[city]; }
int CityCount() { return static_cast<int>(std::size(kCities)); }

}  // namespace sicoop::db
