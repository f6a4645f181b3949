// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace divert {

inline constexpr long long k_seconds_per_day = 86400;

// A calendar date as days since 1970-01-01 (proleptic Gregorian). Plain int so that the
// evaluator compares dates as fast as numbers.
using Days = int;

struct CivilDate {
  int year;
  unsigned month; // 1..12
  unsigned day;   // 1..31
};

// Parses exactly "YYYY-MM-DD" (years 1000..9999); nullopt unless it is a real calendar date.
std::optional<Days> parse_date(std::string_view text);

std::string format_date(Days days);
Days days_from_civil(CivilDate date);
CivilDate civil_from_days(Days days);
// The same by Howard Hinnant's algorithms, which use divisions: what the fast ones are tested
// against, and use outside the range they cover (before year -32799; after year 1000000 for
// days_from_civil, day 987300578 for civil_from_days).
Days days_from_civil_reference(CivilDate date);
CivilDate civil_from_days_reference(Days days);

// Adds whole months; an anniversary on a day the month lacks falls on that month's last day
// (2024-02-29 + 12 months = 2025-02-28; 2024-05-31 - 3 months = 2024-02-29).
Days add_months(Days date, int months);

// A moment (Unix seconds) as its UTC day and the seconds since that day's midnight. Floor
// division, so a moment before 1970 falls on its own day, not the next one.
struct DayAndTime {
  Days day;
  int second_of_day; // 0..86399
};
DayAndTime split_unix_seconds(long long seconds);

// RFC 3339 UTC with seconds and 'Z' ("2026-11-26T12:00:00Z").
std::string format_rfc3339(long long seconds);
// Parses exactly "YYYY-MM-DDTHH:MM:SSZ"; nullopt for anything else.
std::optional<long long> parse_rfc3339(std::string_view text);

// Whole years from `from` to `to`, the anniversary itself counting (the age rule).
int years_between(Days from, Days to);
// Whole months from `from` to `to`, with the same anniversary rule.
int months_between(Days from, Days to);

} // namespace divert
