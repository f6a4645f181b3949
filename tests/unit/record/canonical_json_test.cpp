// SPDX-License-Identifier: Apache-2.0
#include "core/record/canonical_json.hpp"
#include "core/base/error.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using divert::canonicalize;
using divert::format_ecmascript_number;
using divert::InputError;
using divert::parse_json_strict;
using nlohmann::json;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The first diagnostic of the InputError that parsing `text` throws.
divert::Diagnostic parse_failure(const std::string& text) {
  try {
    parse_json_strict(text, "in.json");
  } catch (const InputError& e) {
    REQUIRE(!e.diagnostics().empty());
    return e.diagnostics().front();
  }
  FAIL("no InputError for: " << text);
  return {};
}

} // namespace

TEST_SUITE_BEGIN("canonical_json");

TEST_CASE("canonical_json: RFC 8785 reference vectors") {
  const fs::path root = fs::path(DIVERT_SOURCE_DIR) / "tests" / "data" / "jcs";
  REQUIRE(fs::is_directory(root / "input"));
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(root / "input")) {
    if (entry.path().extension() != ".json") {
      continue;
    }
    const auto name = entry.path().filename();
    CAPTURE(name.string());
    const fs::path expected_path = root / "output" / name;
    REQUIRE_MESSAGE(fs::is_regular_file(expected_path),
                    "missing expected output " << expected_path.string());
    const std::string expected = read_file(expected_path);
    const std::string actual =
        canonicalize(parse_json_strict(read_file(entry.path()), name.string()));
    CHECK(actual == expected);
    // Canonical bytes are a fixed point.
    CHECK(canonicalize(parse_json_strict(expected, name.string())) == expected);
    ++checked;
  }
  CHECK(checked > 0);
}

TEST_CASE("canonical_json: ECMAScript number formatting") {
  struct Case {
    double value;
    const char* expected;
  };
  const Case cases[] = {
      {0.0, "0"},
      {-0.0, "0"},
      {1.0, "1"},
      {-1.5, "-1.5"},
      {56.0, "56"},
      {4.50, "4.5"},
      {0.1, "0.1"},
      {0.002, "0.002"},
      {0.000001, "0.000001"},
      {0.000001234, "0.000001234"},
      {1e-7, "1e-7"},
      {-1e-7, "-1e-7"},
      {1.5e-7, "1.5e-7"},
      {1e-27, "1e-27"},
      {1e20, "100000000000000000000"},
      {123e18, "123000000000000000000"},
      {1.2345678901234568e20, "123456789012345680000"},
      {1e21, "1e+21"},
      {1.234e21, "1.234e+21"},
      {1e30, "1e+30"},
      {1e23, "1e+23"},
      {9.999999999999997e22, "9.999999999999997e+22"},
      {333333333.33333329, "333333333.3333333"},
      {9007199254740993.0, "9007199254740992"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {-1.7976931348623157e308, "-1.7976931348623157e+308"},
      {2.2250738585072014e-308, "2.2250738585072014e-308"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.expected);
    CHECK(format_ecmascript_number(c.value) == c.expected);
    CHECK(canonicalize(json(c.value)) == c.expected);
  }
}

TEST_CASE("canonical_json: integers are numbers as RFC 8785 sees them (doubles)") {
  CHECK(canonicalize(parse_json_strict("[-0, 0, 9007199254740991]", "t")) ==
        "[0,0,9007199254740991]");
  CHECK(canonicalize(parse_json_strict("[9007199254740992, -9007199254740992]", "t")) ==
        "[9007199254740992,-9007199254740992]");
  // A double holds these exactly: printed as ECMAScript prints the double.
  CHECK(canonicalize(json(std::numeric_limits<std::int64_t>::min())) == "-9223372036854776000");
  CHECK(canonicalize(parse_json_strict("18014398509481984", "t")) == "18014398509481984");
  // No double holds these: JCS would change the value (…993 to …992), so they are refused.
  CHECK_THROWS_AS(canonicalize(parse_json_strict("9007199254740993", "t")), InputError);
  CHECK_THROWS_AS(canonicalize(parse_json_strict("[-9007199254740993]", "t")), InputError);
  CHECK_THROWS_AS(canonicalize(json(std::numeric_limits<std::uint64_t>::max())), InputError);
  CHECK_THROWS_AS(canonicalize(json(std::numeric_limits<std::int64_t>::max())), InputError);
  // Beyond uint64 nlohmann holds a double, so JCS's double formatting applies.
  CHECK(canonicalize(parse_json_strict("123456789012345678901234", "t")) ==
        "1.2345678901234569e+23");
  CHECK(canonicalize(parse_json_strict("[1.0, -0.0, 1E2, 1e-7]", "t")) == "[1,0,100,1e-7]");
}

TEST_CASE("canonical_json: NaN and infinities are rejected") {
  CHECK_THROWS_AS(canonicalize(json(std::numeric_limits<double>::quiet_NaN())), InputError);
  CHECK_THROWS_AS(canonicalize(json::array({1, std::numeric_limits<double>::infinity()})),
                  InputError);
  CHECK_THROWS_AS(format_ecmascript_number(-std::numeric_limits<double>::infinity()), InputError);
  // A literal that overflows a double cannot sneak in as infinity either.
  CHECK_THROWS_AS(parse_json_strict("[1e400]", "t"), InputError);
}

TEST_CASE("canonical_json: keys sort by UTF-16 code units, not UTF-8 bytes") {
  // U+20AC (20AC) < U+1F600 (D83D DE00) < U+FB33 (FB33) in UTF-16; in UTF-8, U+FB33 (EF ..) comes
  // before U+1F600 (F0 ..), which is the order nlohmann's std::map keeps.
  const json value =
      parse_json_strict(R"({"\ufb33": 3, "\ud83d\ude00": 2, "\u20ac": 1, "a": 0})", "t");
  CHECK(canonicalize(value) == "{\"a\":0,\"\u20ac\":1,\"\U0001F600\":2,\"\uFB33\":3}");
  CHECK(value.dump() != canonicalize(value));
}

TEST_CASE("canonical_json: string escaping") {
  const json value = std::string("q\" b\\ \b\f\n\r\t \x01\x1f\x7f / \u2028 \u00e9 \U0001F600");
  CHECK(canonicalize(value) ==
        "\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f\x7f / \u2028 \u00e9 \U0001F600\"");
  CHECK(canonicalize(json(std::string("a\0b", 3))) == "\"a\\u0000b\"");
  CHECK(canonicalize(json::object({{"k\n", "v"}})) == "{\"k\\n\":\"v\"}");
}

TEST_CASE("canonical_json: invalid UTF-8 in values built in code is rejected") {
  CHECK_THROWS_AS(canonicalize(json(std::string("\xff"))), InputError);
  CHECK_THROWS_AS(canonicalize(json(std::string("\xed\xa0\x80"))), InputError); // encoded surrogate
  CHECK_THROWS_AS(canonicalize(json(std::string("\xc0\xaf"))), InputError);     // overlong '/'
  CHECK_THROWS_AS(canonicalize(json::object({{std::string("\xe2\x82"), 1}})), InputError);
}

TEST_CASE("canonical_json: duplicate keys are rejected with their location") {
  auto d = parse_failure("{\n  \"a\": 1,\n  \"b\": {\"x\": 1,\n         \"x\": 2}\n}");
  CHECK(d.where.file == "in.json");
  CHECK(d.where.line == 4);
  CHECK(d.where.column == 10);
  CHECK(d.message.find("duplicate key \"x\"") != std::string::npos);
  // A key with a control character is quoted in JSON form, keeping the message on one line.
  CHECK(parse_failure("{\"a\\nb\": 1, \"a\\nb\": 2}").message ==
        "duplicate key \"a\\nb\" (first defined at line 1:2)");
  CHECK(d.message.find("first defined at line 3:9") != std::string::npos);

  // Equal after unescaping is equal.
  d = parse_failure(R"({"a": 1, "\u0061": 2})");
  CHECK(d.where.line == 1);
  CHECK(d.where.column == 10);

  // The same key in sibling objects is fine, and so is a key equal to a value.
  CHECK_NOTHROW(parse_json_strict(R"([{"a": "a"}, {"a": {"a": 1}}])", "t"));
  // Keys containing escaped quotes and colons do not confuse the locator.
  d = parse_failure("{\"x\\\":\": [\"y\", \"z:\"], \"w\": {}, \"x\\\":\": 0}");
  CHECK(d.where.line == 1);
  CHECK(d.where.column == 32);
}

TEST_CASE("canonical_json: syntax and encoding errors are located") {
  auto d = parse_failure("{\n  \"a\": tru\n}");
  CHECK(d.where.file == "in.json");
  CHECK(d.where.line == 2);
  CHECK(d.where.column >= 8);
  CHECK(d.message.find("json.exception") == std::string::npos);

  d = parse_failure("[1,\n \"\xff\"]");
  CHECK(d.where.line == 2);
  CHECK(d.message.find("UTF-8") != std::string::npos);
  CHECK(d.message.find('\xff') == std::string::npos); // the bad byte is shown as \xFF, not raw

  d = parse_failure(R"(["\ud800"])");
  CHECK(d.where.line == 1);

  d = parse_failure("");
  CHECK(d.where.line == 1);
  CHECK(d.where.column == 1);

  d = parse_failure("{} {}");
  CHECK(d.where.column == 4);
}

TEST_CASE("canonical_json: nesting limit") {
  const std::string ok(divert::k_max_json_depth, '[');
  CHECK_NOTHROW(parse_json_strict(ok + std::string(divert::k_max_json_depth, ']'), "t"));
  const auto d = parse_failure("\n" + ok + "[" + std::string(divert::k_max_json_depth + 1, ']'));
  CHECK(d.where.line == 2);
  CHECK(d.where.column == static_cast<int>(divert::k_max_json_depth) + 1);
}

TEST_CASE("canonical_json: a NUL byte is not the end of the text") {
  CHECK(parse_failure(std::string("1\0\0", 3)).message.find("NUL") != std::string::npos);
  const auto d = parse_failure(std::string("{\"a\":1}\n\0", 9));
  CHECK(d.where.line == 2);
  CHECK(d.where.column == 1);
  CHECK(parse_failure(std::string("\0", 1)).message.find("NUL") != std::string::npos);
}

TEST_CASE("canonical_json: a byte order mark is skipped") {
  CHECK(canonicalize(parse_json_strict("\xEF\xBB\xBF{\"b\":1,\"a\":[true,null]}", "t")) ==
        "{\"a\":[true,null],\"b\":1}");
}

TEST_SUITE_END();
