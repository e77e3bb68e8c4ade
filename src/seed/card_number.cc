#include "seed/card_number.h"

#include "seed/weighted_list.h"

namespace sicoop::seed {
namespace {

// Issuer identification prefixes of the brands Brazilian cooperatives issue, weighted by how often
// they appear: Mastercard (51-55, 2221-2720), Visa (4), Elo (636368, 438935, 504175, 451416, 6362).
const WeightedList<std::string_view> kIssuerPrefixes = {
    {"5162", 14}, {"5234", 10}, {"5307", 8}, {"5448", 8}, {"5502", 6}, {"2306", 4}, {"2720", 2},
    {"4984", 12}, {"4220", 8},  {"4532", 6}, {"4716", 4},
    {"636368", 6}, {"438935", 4}, {"504175", 4}, {"451416", 2}, {"636297", 2},
};

// The Luhn sum of `digits` as if a check digit were to follow them (doubling starts at the right).
int LuhnSum(std::string_view digits, bool check_digit_follows) {
  int sum = 0;
  bool doubled = check_digit_follows;
  for (size_t i = digits.size(); i-- > 0;) {
    int d = digits[i] - '0';
    if (doubled) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    doubled = !doubled;
  }
  return sum;
}

}  // namespace

std::string MakeCardNumber(Rng& rng) {
  std::string number(kIssuerPrefixes.Pick(rng));
  while (number.size() < 15) number += static_cast<char>('0' + rng.Below(10));
  number += static_cast<char>('0' + (10 - LuhnSum(number, true) % 10) % 10);
  return number;
}

bool PassesLuhn(std::string_view digits) {
  if (digits.empty()) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  return LuhnSum(digits, false) % 10 == 0;
}

}  // namespace sicoop::seed
