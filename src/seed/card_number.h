// Fictitious payment card numbers: 16 digits behind real-looking issuer prefixes (Mastercard,
// Visa, Elo) with a valid Luhn check digit, as the cards of a Brazilian cooperative look.
#pragma once

#include <string>
#include <string_view>

#include "seed/rng.h"

namespace sicoop::seed {

// A 16-digit card number that passes the Luhn check.
std::string MakeCardNumber(Rng& rng);

// True when `digits` is all digits and its Luhn checksum is valid.
bool PassesLuhn(std::string_view digits);

}  // namespace sicoop::seed
