// Wall-clock timestamps as the source tables store them (TIMESTAMP WITHOUT TIME ZONE / DATETIME):
// seconds since 1970-01-01 00:00:00 counted on the proleptic Gregorian calendar, with no time zone
// and so no daylight-saving gaps. Pure arithmetic, independent of the machine's TZ.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace sicoop::db {

constexpr int64_t kSecondsPerDay = 86400;

int64_t DaysFromCivil(int year, int month, int day);

// Parses "YYYY-MM-DD" (seconds at 00:00:00) or "YYYY-MM-DD HH:MM:SS". A bad value is a Usage error
// naming `what` (e.g. "--from").
Result<int64_t> ParseWallClock(std::string_view text, const std::string& what);

// Appends "YYYY-MM-DD HH:MM:SS" (years 0..9999).
void AppendWallClock(std::string& out, int64_t seconds);
std::string FormatWallClock(int64_t seconds);

// The month (1..12) of a day number since 1970-01-01.
int MonthOfDay(int64_t days);

// 0 = Monday ... 6 = Sunday, for a day number since 1970-01-01 (a Thursday).
inline int Weekday(int64_t days) { return static_cast<int>(((days % 7) + 7 + 3) % 7); }

}  // namespace sicoop::db
