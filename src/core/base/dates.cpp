// SPDX-License-Identifier: Apache-2.0
#include "core/base/dates.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace divert {

// Howard Hinnant's civil-date algorithms ("chrono-Compatible Low-Level Date Algorithms"):
// exact over the whole proleptic Gregorian calendar and every int. The reference the fast ones
// are tested against, and their fallback outside the range those cover.
Days days_from_civil_reference(CivilDate date) {
  const int y = date.year - (date.month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned m = date.month;
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + date.day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

CivilDate civil_from_days_reference(Days days) {
  const int z = days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{y + (m <= 2 ? 1 : 0), m, d};
}

// Cassio Neri and Lorenz Schneider's algorithms ("Euclidean affine functions and their
// application to calendar algorithms", Software: Practice and Experience, 2023; arXiv
// 2102.06959): the same dates with multiplications and shifts instead of divisions, on unsigned
// counts from a date 82 eras (400 years each) before year 0. Every batch line converts a few
// dates, and an age or a look-back window needs two more conversions. A unit test compares them
// with the reference on every day from year -30000 to year 30000.
namespace {

constexpr std::uint32_t k_eras = 82;
constexpr std::uint32_t k_day_shift = 719468 + 146097 * k_eras;
constexpr std::uint32_t k_year_shift = 400 * k_eras;
// The days and years the fast forms cover (their unsigned intermediates do not wrap).
constexpr Days k_fast_days_min = -static_cast<Days>(k_day_shift);
constexpr Days k_fast_days_max = 1'000'000'000 - static_cast<Days>(k_day_shift);
constexpr int k_fast_year_min = -static_cast<int>(k_year_shift) + 1;
constexpr int k_fast_year_max = 1'000'000;

} // namespace

Days days_from_civil(CivilDate date) {
  if (date.year < k_fast_year_min || date.year > k_fast_year_max || date.month < 1 ||
      date.month > 12) {
    return days_from_civil_reference(date);
  }
  const std::uint32_t january_or_february = date.month <= 2 ? 1 : 0;
  const std::uint32_t year =
      static_cast<std::uint32_t>(date.year) + k_year_shift - january_or_february;
  const std::uint32_t month = january_or_february != 0 ? date.month + 12 : date.month;
  const std::uint32_t century = year / 100;
  const std::uint32_t year_days = 1461 * year / 4 - century + century / 4;
  const std::uint32_t month_days = (979 * month - 2919) / 32;
  return static_cast<Days>(year_days + month_days + date.day - 1 - k_day_shift);
}

CivilDate civil_from_days(Days days) {
  if (days < k_fast_days_min || days > k_fast_days_max) return civil_from_days_reference(days);
  const std::uint32_t n = static_cast<std::uint32_t>(days + static_cast<Days>(k_day_shift));
  const std::uint32_t n1 = 4 * n + 3;
  const std::uint32_t century = n1 / 146097;
  const std::uint32_t day_of_century = n1 % 146097 / 4;
  const std::uint64_t p2 = std::uint64_t{2939745} * (4 * day_of_century + 3);
  const auto year_of_century = static_cast<std::uint32_t>(p2 >> 32);
  const std::uint32_t day_of_year = static_cast<std::uint32_t>(p2) / 2939745 / 4; // from March
  const std::uint32_t n3 = 2141 * day_of_year + 197913;
  const std::uint32_t month = n3 >> 16; // 3..14: March to February
  const std::uint32_t day = (n3 & 0xFFFF) / 2141 + 1;
  const std::uint32_t january_or_february = day_of_year >= 306 ? 1 : 0;
  const std::uint32_t year = 100 * century + year_of_century + january_or_february;
  return CivilDate{static_cast<int>(year) - static_cast<int>(k_year_shift),
                   january_or_february != 0 ? month - 12 : month, day};
}

static bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

static unsigned days_in_month(int year, unsigned month) {
  static constexpr unsigned k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : k_days[month - 1];
}

std::optional<Days> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  // Straight-line: every batch line has a few dates. A byte below '0' wraps to a large value.
  const auto digit = [&](size_t i) {
    return static_cast<unsigned>(static_cast<unsigned char>(text[i])) - '0';
  };
  const unsigned y0 = digit(0), y1 = digit(1), y2 = digit(2), y3 = digit(3);
  const unsigned m0 = digit(5), m1 = digit(6), d0 = digit(8), d1 = digit(9);
  if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) | (d0 > 9) | (d1 > 9)) {
    return std::nullopt;
  }
  const auto year = static_cast<int>(y0 * 1000 + y1 * 100 + y2 * 10 + y3);
  const unsigned month = m0 * 10 + m1;
  const unsigned day = d0 * 10 + d1;
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
    return std::nullopt;
  }
  return days_from_civil({year, month, day});
}

std::string format_date(Days days) {
  const CivilDate c = civil_from_days(days);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

DayAndTime split_unix_seconds(long long seconds) {
  long long day = seconds / k_seconds_per_day;
  long long rest = seconds % k_seconds_per_day;
  if (rest < 0) {
    rest += k_seconds_per_day;
    --day;
  }
  return {static_cast<Days>(day), static_cast<int>(rest)};
}

std::string format_rfc3339(long long seconds) {
  const DayAndTime t = split_unix_seconds(seconds);
  return fmt::format("{}T{:02}:{:02}:{:02}Z", format_date(t.day), t.second_of_day / 3600,
                     t.second_of_day / 60 % 60, t.second_of_day % 60);
}

std::optional<long long> parse_rfc3339(std::string_view text) {
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z') {
    return std::nullopt;
  }
  const auto day = parse_date(text.substr(0, 10));
  if (!day) {
    return std::nullopt;
  }
  int parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    const char a = text[static_cast<size_t>(11 + 3 * i)];
    const char b = text[static_cast<size_t>(12 + 3 * i)];
    if (a < '0' || a > '9' || b < '0' || b > '9') {
      return std::nullopt;
    }
    parts[i] = (a - '0') * 10 + (b - '0');
  }
  if (parts[0] > 23 || parts[1] > 59 || parts[2] > 59) {
    return std::nullopt;
  }
  return static_cast<long long>(*day) * k_seconds_per_day + parts[0] * 3600 + parts[1] * 60 +
         parts[2];
}

Days add_months(Days date, int months) {
  const CivilDate c = civil_from_days(date);
  const int total = c.year * 12 + static_cast<int>(c.month) - 1 + months;
  const int year = total >= 0 ? total / 12 : (total - 11) / 12;
  const unsigned month = static_cast<unsigned>(total - year * 12) + 1;
  const unsigned day = std::min(c.day, days_in_month(year, month));
  return days_from_civil({year, month, day});
}

int months_between(Days from, Days to) {
  const CivilDate a = civil_from_days(from);
  const CivilDate b = civil_from_days(to);
  int months = (b.year - a.year) * 12 + static_cast<int>(b.month) - static_cast<int>(a.month);
  // The anniversary `months` on falls in `to`'s own month, on `from`'s day clamped to that
  // month's length: one step back when it is still ahead of `to` (one step forward when counting
  // backwards and it is behind), so the age rule costs no second date conversion.
  const unsigned anniversary = std::min(a.day, days_in_month(b.year, b.month));
  if (months > 0 && anniversary > b.day) --months;
  if (months < 0 && anniversary < b.day) ++months;
  return months;
}

int years_between(Days from, Days to) {
  const int months = months_between(from, to);
  return months >= 0 ? months / 12 : -((-months) / 12);
}

} // namespace divert
