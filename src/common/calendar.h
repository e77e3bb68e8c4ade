// The one calendar of sicoop: wall-clock timestamps as the source tables store them (TIMESTAMP
// WITHOUT TIME ZONE / DATETIME), counted in seconds since 1970-01-01 00:00:00 on the proleptic
// Gregorian calendar, with no time zone and so no daylight-saving gaps. Pure arithmetic: the
// machine's TZ never enters.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sicoop {

inline constexpr int64_t kSecondsPerDay = 86400;

struct CivilDate {
  int year = 1970, month = 1, day = 1;
};

// The day number (days since 1970-01-01) of a civil date, and back (H. Hinnant's algorithms).
int64_t DaysFromCivil(int year, int month, int day);
CivilDate CivilFromDays(int64_t days);

// Floor division: -1 / 86400 is -1, so that times before 1970 fall on the right day.
int64_t FloorDiv(int64_t value, int64_t divisor);

// Parses "YYYY-MM-DD" (at 00:00:00), "YYYY-MM-DD HH:MM:SS", or the latter followed by '.' and
// fraction digits, which are dropped (a database may store fractional seconds). nullopt for anything
// else, impossible dates (2023-02-29) and times (24:00:00) included.
std::optional<int64_t> ParseWallClock(std::string_view text);

// Appends "YYYY-MM-DD HH:MM:SS" (years 0..9999).
void AppendWallClock(std::string& out, int64_t seconds);
std::string FormatWallClock(int64_t seconds);
// "YYYY-MM-DD HH:MM:SS.fff" of milliseconds since 1970-01-01 00:00:00 UTC, in UTC.
std::string FormatUtcMillis(int64_t millis);

// "YYYY-MM-DD" of a day number.
std::string FormatDate(int64_t days);

// The month (1..12) of a day number.
int MonthOfDay(int64_t days);

// 0 = Monday ... 6 = Sunday, for a day number (1970-01-01 was a Thursday).
inline int Weekday(int64_t days) { return static_cast<int>(((days % 7) + 7 + 3) % 7); }

}  // namespace sicoop
