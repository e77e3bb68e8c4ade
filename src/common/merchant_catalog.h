// The cooperative's merchant catalog: which merchants belong to which category. One list shared by
// the seed (which draws its purchases' merchants from it, by the relative weights) and the lake
// (which classifies a movimento by its merchant in the gold tables, docs/features.md), so that a
// merchant the seed generates is always one the lake knows.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace sicoop {

struct CatalogMerchant {
  std::string_view name;  // as it appears on a statement, e.g. "Drogaria São Paulo"
  uint32_t weight;        // the seed's relative number of purchases among the category's merchants
};

struct MerchantCategory {
  std::string_view name;  // as people read it: "farmácia", "casa e construção"
  std::string_view key;   // ASCII, for column names: "farmacia", "casa_e_construcao"
  std::span<const CatalogMerchant> merchants;
};

// How a movimento's description names its merchant (the seed writes it so, the lake reads it so):
// "[Estorno ]<merchant>[ - <city>]", the prefix on a refund, the city on an in-person purchase.
inline constexpr std::string_view kRefundPrefix = "Estorno ";
inline constexpr std::string_view kCitySeparator = " - ";

// The category of a merchant that is not in the catalog.
inline constexpr std::string_view kOtherCategoryName = "outros";

// The categories, in a fixed order (the seed's draws depend on it).
std::span<const MerchantCategory> MerchantCatalog();

}  // namespace sicoop
