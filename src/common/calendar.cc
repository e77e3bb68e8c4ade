#include "common/calendar.h"

#include <cstdio>

namespace sicoop {
namespace {

void AppendDigits(std::string& out, int value, int width) {
  char buf[4];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buf, width);
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

void AppendDate(std::string& out, const CivilDate& date) {
  AppendDigits(out, date.year, 4);
  out += '-';
  AppendDigits(out, date.month, 2);
  out += '-';
  AppendDigits(out, date.day, 2);
}

}  // namespace

int64_t DaysFromCivil(int year, int month, int day) {
  year -= month <= 2;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  auto yoe = static_cast<unsigned>(year - era * 400);
  unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(yoe + era * 400 + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

int64_t FloorDiv(int64_t value, int64_t divisor) {
  return value / divisor - ((value % divisor != 0) && ((value < 0) != (divisor < 0)));
}

int MonthOfDay(int64_t days) { return CivilFromDays(days).month; }

std::optional<int64_t> ParseWallClock(std::string_view text) {
  // Positions of the separators in "YYYY-MM-DD HH:MM:SS".
  auto number = [&](size_t pos, size_t len, int& value) {
    value = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      value = value * 10 + (text[i] - '0');
    }
    return true;
  };
  if (text.size() > 19 && text[19] == '.' && text.size() > 20) {
    for (size_t i = 20; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
    }
    text = text.substr(0, 19);
  }
  if (text.size() != 10 && text.size() != 19) return std::nullopt;
  int year, month, day, hour = 0, minute = 0, second = 0;
  if (!number(0, 4, year) || text[4] != '-' || !number(5, 2, month) || text[7] != '-' || !number(8, 2, day)) {
    return std::nullopt;
  }
  if (text.size() == 19 && (text[10] != ' ' || !number(11, 2, hour) || text[13] != ':' || !number(14, 2, minute) ||
                            text[16] != ':' || !number(17, 2, second))) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 || minute > 59 ||
      second > 59) {
    return std::nullopt;
  }
  return DaysFromCivil(year, month, day) * kSecondsPerDay + hour * 3600 + minute * 60 + second;
}

void AppendWallClock(std::string& out, int64_t seconds) {
  int64_t days = FloorDiv(seconds, kSecondsPerDay);
  auto in_day = static_cast<int>(seconds - days * kSecondsPerDay);
  AppendDate(out, CivilFromDays(days));
  out += ' ';
  AppendDigits(out, in_day / 3600, 2);
  out += ':';
  AppendDigits(out, in_day / 60 % 60, 2);
  out += ':';
  AppendDigits(out, in_day % 60, 2);
}

std::string FormatWallClock(int64_t seconds) {
  std::string out;
  AppendWallClock(out, seconds);
  return out;
}

std::string FormatUtcMillis(int64_t millis) {
  const int64_t seconds = FloorDiv(millis, 1000);
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03d", static_cast<int>(millis - seconds * 1000));
  return FormatWallClock(seconds) + fraction;
}

std::string FormatDate(int64_t days) {
  std::string out;
  AppendDate(out, CivilFromDays(days));
  return out;
}

}  // namespace sicoop
