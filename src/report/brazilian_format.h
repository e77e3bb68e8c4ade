// Figures as a Brazilian reader expects them on a page: money "R$ 1.234,56", counts "12.345", dates
// "05/01/2026". The lake gives its figures as text ("1234.56", "2026-01-05 13:45:00"); each function
// here takes that text, and a text not in the expected form is returned as it came, for the page to
// show rather than hide.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sicoop::report {

// The amount of a decimal text ("-12.3", "1234.56", "7") in centavos, rounded half away from zero
// past the second decimal; nullopt for anything else or out of range.
std::optional<int64_t> ParseCentavos(std::string_view decimal);

// "R$ 1.234,56"; a negative amount "-R$ 1.234,56".
std::string MoneyText(int64_t centavos);
// The same from a decimal text; a text that is not one comes back unchanged, an empty one as "—".
std::string MoneyText(std::string_view decimal);

// A whole number with '.' between the thousands: "1.234.567", "-12".
std::string CountText(int64_t count);
std::string CountText(std::string_view integer);

// "YYYY-MM-DD[ HH:MM:SS]" as "DD/MM/YYYY[ HH:MM:SS]".
std::string DateText(std::string_view date_or_timestamp);

// The month of "YYYY-MM[-DD]" as "jan/2026".
std::string MonthText(std::string_view month);

}  // namespace sicoop::report
