// SPDX-License-Identifier: Apache-2.0
#include "core/record/canonical_json.hpp"
#include "core/base/error.hpp"
#include "core/record/jcs_check.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using divert::canonicalize;
using divert::is_canonical_json;
using divert::parse_json_strict;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

// The reference answer: the strict parse and the canonical serializer.
bool reference(const std::string& text) {
  try {
    return canonicalize(parse_json_strict(text, "t")) == text;
  } catch (const divert::InputError&) {
    return false;
  }
}

} // namespace

TEST_SUITE("jcs_check") {
  TEST_CASE("agrees with canonicalize on hand-written cases") {
    for (const std::string& text :
         std::initializer_list<std::string>{R"({})",
                                            R"([])",
                                            R"({"a":1,"b":[true,false,null]})",
                                            R"({"b":1,"a":2})",
                                            R"({"a":1,"a":2})",
                                            R"({ "a":1})",
                                            "{\"a\":1}\n",
                                            R"({"a":1.0})",
                                            R"({"a":1.5})",
                                            R"({"a":1e21})",
                                            R"({"a":1e+21})",
                                            R"({"a":0.000001})",
                                            R"({"a":1e-7})",
                                            R"({"a":-0})",
                                            R"({"a":-0.0})",
                                            R"({"a":01})",
                                            R"({"a":18446744073709551615})",
                                            R"({"a":18446744073709551616})",
                                            R"({"a":-9223372036854775808})",
                                            R"({"a":-9223372036854775809})",
                                            R"({"a":"\u001f"})",
                                            R"({"a":"\u001F"})",
                                            R"({"a":"\u0041"})",
                                            R"({"a":"\n"})",
                                            R"({"a":"\u000a"})",
                                            R"({"a":"\/"})",
                                            "{\"a\":\"\x7f\"}",
                                            "{\"a\":\"\xc3\xa9\"}",
                                            "{\"a\":\"\xc0\xa9\"}",
                                            "{\"a\":\"\xed\xa0\x80\"}",
                                            "{\"\xef\xac\xb3\":1,\"\xf0\x9f\x98\x82\":2}",
                                            "{\"\xf0\x9f\x98\x82\":2,\"\xef\xac\xb3\":1}",
                                            R"("x")",
                                            R"(tru)",
                                            R"([1,])",
                                            R"({"a":1,})",
                                            "",
                                            R"({"a":"\ud83d\ude02"})",
                                            R"({"a":[1,[2,[3]]],"b":{"c":{}}})",
                                            "\xef\xbb\xbf{}",
                                            "9007199254740991",
                                            "9007199254740992",
                                            "9007199254740993",
                                            "-9007199254740993",
                                            "18014398509481984",
                                            "18014398509481985",
                                            "-9223372036854775808",
                                            "-9223372036854776000",
                                            "9223372036854775807",
                                            "100000000000000000000",
                                            "1000000000000000000000",
                                            std::string("1\0\0", 3),
                                            std::string("{}\0", 3)}) {
      CAPTURE(text);
      CHECK(is_canonical_json(text) == reference(text));
    }
  }

  TEST_CASE("refuses what RFC 8785 would change or a NUL would cut short") {
    CHECK_FALSE(is_canonical_json("9007199254740993"));
    CHECK_FALSE(is_canonical_json("{\"seq\":9007199254740993}"));
    CHECK(is_canonical_json("9007199254740992"));
    CHECK_FALSE(is_canonical_json(std::string("1\0\0", 3)));
  }

  TEST_CASE("agrees with canonicalize on the RFC 8785 vectors") {
    const fs::path root = fs::path(DIVERT_SOURCE_DIR) / "tests" / "data" / "jcs";
    REQUIRE(fs::is_directory(root / "output"));
    for (const auto& entry : fs::directory_iterator(root / "output")) {
      const std::string out = slurp(entry.path());
      const std::string in = slurp(root / "input" / entry.path().filename());
      CAPTURE(entry.path().filename().string());
      CHECK(is_canonical_json(out));
      CHECK(is_canonical_json(in) == reference(in));
    }
  }

  TEST_CASE("agrees with canonicalize on mutated records") {
    const std::string record = slurp(fs::path(DIVERT_SOURCE_DIR) /
                                     "tests/data/records/good/REF-01M8BVX9F0000000QPWTAR96KA.json");
    REQUIRE(!record.empty());
    CHECK(is_canonical_json(record));
    // Deterministic mutations: every position gets a few replacement bytes and a deletion.
    std::uint32_t x = 12345;
    int disagreements = 0;
    for (size_t i = 0; i < record.size(); ++i) {
      for (int k = 0; k < 3; ++k) {
        x = x * 1664525u + 1013904223u;
        std::string m = record;
        const char choices[] = " \n\"\\,:{}[]0123456789.eE+-tfnu\x7f\xc3\xa9Za";
        m[i] = choices[(x >> 8) % (sizeof choices - 1)];
        disagreements += is_canonical_json(m) != reference(m) ? 1 : 0;
      }
      std::string d = record;
      d.erase(i, 1);
      disagreements += is_canonical_json(d) != reference(d) ? 1 : 0;
    }
    CHECK(disagreements == 0);
  }
}
