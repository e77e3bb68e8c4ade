#include "report/brazilian_format.h"

#include <array>
#include <limits>

#include "common/numbers.h"

namespace sicoop::report {
namespace {

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// `digits` (no sign) with '.' every three from the right.
std::string GroupThousands(const std::string& digits) {
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += '.';
    grouped += digits[i];
  }
  return grouped;
}

}  // namespace

std::optional<int64_t> ParseCentavos(std::string_view decimal) {
  const bool negative = !decimal.empty() && decimal.front() == '-';
  if (negative) decimal.remove_prefix(1);
  const size_t point = decimal.find('.');
  const std::string_view whole = decimal.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? std::string_view() : decimal.substr(point + 1);
  if (!IsDigits(whole) || (point != std::string_view::npos && !IsDigits(fraction))) return std::nullopt;
  std::optional<int64_t> reais = ParseInteger(whole);
  constexpr int64_t kMaxReais = std::numeric_limits<int64_t>::max() / 100 - 1;
  if (!reais || *reais > kMaxReais) return std::nullopt;
  int64_t centavos = *reais * 100;
  if (fraction.size() >= 1) centavos += (fraction[0] - '0') * 10;
  if (fraction.size() >= 2) centavos += fraction[1] - '0';
  if (fraction.size() >= 3 && fraction[2] >= '5') ++centavos;  // half away from zero: the sign comes after
  return negative ? -centavos : centavos;
}

std::string MoneyText(int64_t centavos) {
  // The magnitude as unsigned, so that the most negative value has one too.
  const uint64_t magnitude = centavos < 0 ? 0 - static_cast<uint64_t>(centavos) : static_cast<uint64_t>(centavos);
  const uint64_t cents = magnitude % 100;
  return std::string(centavos < 0 ? "-" : "") + "R$ " + GroupThousands(std::to_string(magnitude / 100)) + "," +
         (cents < 10 ? "0" : "") + std::to_string(cents);
}

std::string MoneyText(std::string_view decimal) {
  if (decimal.empty()) return "—";
  std::optional<int64_t> centavos = ParseCentavos(decimal);
  return centavos ? MoneyText(*centavos) : std::string(decimal);
}

std::string CountText(int64_t count) {
  const uint64_t magnitude = count < 0 ? 0 - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
  return (count < 0 ? "-" : "") + GroupThousands(std::to_string(magnitude));
}

std::string CountText(std::string_view integer) {
  std::optional<int64_t> count = ParseInteger(integer);
  return count ? CountText(*count) : std::string(integer);
}

std::string DateText(std::string_view text) {
  // "YYYY-MM-DD", then optionally " HH:MM:SS" (kept as it is).
  const bool date = text.size() >= 10 && IsDigits(text.substr(0, 4)) && text[4] == '-' &&
                    IsDigits(text.substr(5, 2)) && text[7] == '-' && IsDigits(text.substr(8, 2));
  if (!date || (text.size() > 10 && text[10] != ' ')) return std::string(text);
  return std::string(text.substr(8, 2)) + "/" + std::string(text.substr(5, 2)) + "/" +
         std::string(text.substr(0, 4)) + std::string(text.substr(10));
}

std::string MonthText(std::string_view text) {
  static constexpr std::array<const char*, 12> kMonths = {"jan", "fev", "mar", "abr", "mai", "jun",
                                                          "jul", "ago", "set", "out", "nov", "dez"};
  if (text.size() < 7 || !IsDigits(text.substr(0, 4)) || text[4] != '-' || !IsDigits(text.substr(5, 2))) {
    return std::string(text);
  }
  const int month = (text[5] - '0') * 10 + (text[6] - '0');
  if (month < 1 || month > 12) return std::string(text);
  return std::string(kMonths[month - 1]) + "/" + std::string(text.substr(0, 4));
}

}  // namespace sicoop::report
