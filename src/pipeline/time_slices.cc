#include "pipeline/time_slices.h"

#include <charconv>
#include <cstdio>

namespace sicoop::pipeline {
namespace {

// Howard Hinnant's days-from-civil algorithm.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = yoe + era * 400 + (m <= 2);
}

bool ReadNumber(std::string_view text, size_t pos, size_t len, int64_t& out) {
  auto [end, error] = std::from_chars(text.data() + pos, text.data() + pos + len, out);
  return error == std::errc() && end == text.data() + pos + len;
}

}  // namespace

std::optional<int64_t> WallClockSeconds(std::string_view text) {
  int64_t year, month, day, hour, minute, second;
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' ||
      text[16] != ':' || !ReadNumber(text, 0, 4, year) || !ReadNumber(text, 5, 2, month) ||
      !ReadNumber(text, 8, 2, day) || !ReadNumber(text, 11, 2, hour) ||
      !ReadNumber(text, 14, 2, minute) || !ReadNumber(text, 17, 2, second) || month < 1 ||
      month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  return DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

std::string WallClockText(int64_t seconds) {
  int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  int64_t rest = seconds - days * 86400;
  int64_t y, m, d;
  CivilFromDays(days, y, m, d);
  char buffer[96];
  std::snprintf(buffer, sizeof(buffer), "%04lld-%02lld-%02lld %02lld:%02lld:%02lld",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                static_cast<long long>(rest / 3600), static_cast<long long>(rest % 3600 / 60),
                static_cast<long long>(rest % 60));
  return buffer;
}

std::vector<std::string> TimeSlicePredicates(const std::string& column, const std::string& first,
                                             const std::string& last, int slices) {
  auto from = WallClockSeconds(first);
  auto to = WallClockSeconds(last);
  if (slices <= 1 || !from || !to || *to <= *from) return {"1 = 1"};
  int64_t span = *to - *from + 1;
  int64_t count = std::min<int64_t>(slices, span);
  std::vector<std::string> boundaries;
  for (int64_t i = 1; i < count; ++i) {
    boundaries.push_back("'" + WallClockText(*from + span * i / count) + "'");
  }
  std::vector<std::string> predicates;
  predicates.push_back(column + " < " + boundaries.front());
  for (size_t i = 1; i < boundaries.size(); ++i) {
    predicates.push_back(column + " >= " + boundaries[i - 1] + " AND " + column + " < " + boundaries[i]);
  }
  predicates.push_back(column + " >= " + boundaries.back());
  return predicates;
}

}  // namespace sicoop::pipeline
