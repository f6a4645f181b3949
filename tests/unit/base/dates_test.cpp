// SPDX-License-Identifier: Apache-2.0
#include "core/base/dates.hpp"

#include <doctest/doctest.h>

using namespace divert;

static Days d(const char* text) { return *parse_date(text); }

TEST_SUITE("dates") {
  TEST_CASE("parses only real calendar dates") {
    CHECK(parse_date("2024-02-29"));
    CHECK_FALSE(parse_date("2023-02-29"));
    CHECK_FALSE(parse_date("2023-02-30"));
    CHECK_FALSE(parse_date("2023-13-01"));
    CHECK_FALSE(parse_date("2023-1-01"));
    CHECK_FALSE(parse_date("20230101"));
    CHECK_FALSE(parse_date("2023-01-01T00:00"));
    CHECK(format_date(d("1900-03-01")) == "1900-03-01");
    CHECK(d("1970-01-01") == 0);
  }

  TEST_CASE("anniversaries on a missing day fall on the month's last day") {
    CHECK(format_date(add_months(d("2023-02-28"), 12)) == "2024-02-28");
    CHECK(format_date(add_months(d("2024-02-29"), -120)) == "2014-02-28");
    CHECK(format_date(add_months(d("2024-05-31"), -3)) == "2024-02-29");
    CHECK(format_date(add_months(d("2024-01-31"), 1)) == "2024-02-29");
    CHECK(format_date(add_months(d("2024-03-15"), -15)) == "2022-12-15");
  }

  TEST_CASE("age counts the birthday itself") {
    CHECK(years_between(d("2006-03-02"), d("2024-03-02")) == 18);
    CHECK(years_between(d("2006-03-02"), d("2024-03-01")) == 17);
    CHECK(years_between(d("2004-02-29"), d("2022-02-28")) == 18);
    CHECK(years_between(d("2004-02-29"), d("2022-02-27")) == 17);
    CHECK(years_between(d("2000-01-01"), d("2000-01-01")) == 0);
    CHECK(months_between(d("2022-01-31"), d("2022-02-28")) == 1);
    CHECK(months_between(d("2022-01-31"), d("2022-02-27")) == 0);
  }

  TEST_CASE("a moment before 1970 falls on its own day") {
    CHECK(split_unix_seconds(0).day == 0);
    CHECK(split_unix_seconds(k_seconds_per_day - 1).second_of_day == 86399);
    CHECK(split_unix_seconds(-1).day == -1);
    CHECK(split_unix_seconds(-1).second_of_day == 86399);
    CHECK(format_rfc3339(-1) == "1969-12-31T23:59:59Z");
    CHECK(parse_rfc3339("1969-12-31T23:59:59Z") == -1);
    CHECK_FALSE(parse_rfc3339("1969-12-31T24:00:00Z"));
  }
}

TEST_CASE("months_between is the most months whose clamped anniversary does not pass the end") {
  // The definition, stepping the anniversary back with add_months until it does not pass the
  // end, against the one-step rule, for pairs of days around leap days and month ends, both ways.
  const auto by_definition = [](Days from, Days to) {
    const CivilDate a = civil_from_days(from);
    const CivilDate b = civil_from_days(to);
    int months = (b.year - a.year) * 12 + static_cast<int>(b.month) - static_cast<int>(a.month);
    while (months > 0 && add_months(from, months) > to) --months;
    while (months < 0 && add_months(from, months) < to) ++months;
    return months;
  };
  const Days start = *parse_date("2023-12-25");
  for (Days from = start; from < start + 80; from += 1) {
    for (Days to = start - 800; to < start + 800; to += 7) {
      CAPTURE(format_date(from));
      CAPTURE(format_date(to));
      REQUIRE(months_between(from, to) == by_definition(from, to));
    }
  }
}

TEST_CASE("the fast calendar conversions agree with Hinnant's on every day of 60,000 years") {
  // Day by day from 1 January -30000 to 31 December 30000, both ways, and the months' ends
  // given as days past them (days_from_civil counts on, as the reference does).
  const Days first = days_from_civil_reference({-30000, 1, 1});
  const Days last = days_from_civil_reference({30000, 12, 31});
  size_t mismatches = 0;
  for (Days day = first; day <= last; ++day) {
    const CivilDate expected = civil_from_days_reference(day);
    const CivilDate got = civil_from_days(day);
    const bool same = got.year == expected.year && got.month == expected.month &&
                      got.day == expected.day && days_from_civil(expected) == day;
    if (!same && ++mismatches <= 5) {
      CAPTURE(day);
      CHECK(got.year == expected.year);
      CHECK(got.month == expected.month);
      CHECK(got.day == expected.day);
      CHECK(days_from_civil(expected) == day);
    }
  }
  CHECK(mismatches == 0);
  CHECK(days_from_civil({2023, 2, 31}) == days_from_civil_reference({2023, 2, 31}));
  CHECK(days_from_civil({2024, 12, 0}) == days_from_civil_reference({2024, 12, 0}));
  // Past the fast range, the reference answers.
  for (const Days day :
       {-12'699'423, -12'699'422, 987'300'577, 987'300'578, -400'000'000, 2'000'000'000}) {
    CAPTURE(day);
    const CivilDate a = civil_from_days(day);
    const CivilDate b = civil_from_days_reference(day);
    CHECK(a.year == b.year);
    CHECK(a.month == b.month);
    CHECK(a.day == b.day);
  }
  for (const int year : {-32'800, -32'799, 999'999, 1'000'000, 1'000'001, 5'000'000}) {
    CAPTURE(year);
    CHECK(days_from_civil({year, 3, 1}) == days_from_civil_reference({year, 3, 1}));
    CHECK(days_from_civil({year, 1, 1}) == days_from_civil_reference({year, 1, 1}));
  }
}
