// SPDX-License-Identifier: Apache-2.0
// The YAML reader's bounds: duplicate keys found in linear time, a cap on keys per mapping.
#include "core/base/error.hpp"
#include "core/base/yaml_doc.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace divert;

namespace {

std::string mapping_of(int keys) {
  std::string text;
  for (int i = 0; i < keys; ++i) {
    text += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  }
  return text;
}

std::string parse_error(const std::string& text) {
  try {
    parse_yaml(text, "big.yaml");
  } catch (const InputError& e) {
    return format_diagnostic(e.diagnostics().front());
  }
  return "";
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

TEST_CASE("yaml: a mapping of 10000 keys is read, and a duplicate of its first key is found") {
  const std::string text = mapping_of(10000);
  const auto start = std::chrono::steady_clock::now();
  const YamlDocument doc = parse_yaml(text, "big.yaml");
  CHECK(doc.root.entries.size() == 10000);
  CHECK(doc.root.find("k9999")->scalar == "9999");
  // The duplicate check used to compare every key with every earlier one (80,000 keys: 9 s).
  CHECK(parse_error(mapping_of(9999) + "k0: again\n") ==
        "big.yaml:10000:1: error: duplicate key 'k0' (first at line 1)");
  CHECK(parse_error(mapping_of(20) + "k19: again\n") ==
        "big.yaml:21:1: error: duplicate key 'k19' (first at line 20)");
  CHECK(parse_error("a: 1\nb: 2\na: 3\n") ==
        "big.yaml:3:1: error: duplicate key 'a' (first at line 1)");
  CHECK(seconds_since(start) < 5.0);
}

TEST_CASE("yaml: more than 10000 keys in one mapping are refused, quickly") {
  const auto start = std::chrono::steady_clock::now();
  CHECK(parse_error(mapping_of(80000)) ==
        "big.yaml:10001:1: error: more than 10000 keys in one mapping");
  CHECK(parse_error("outer:\n" + [] {
          std::string inner;
          for (int i = 0; i < 10001; ++i) inner += "  k" + std::to_string(i) + ": 1\n";
          return inner;
        }()) == "big.yaml:10002:3: error: more than 10000 keys in one mapping");
  CHECK(seconds_since(start) < 5.0);
}

TEST_CASE("json: a JSON document reads as the YAML reader would, with JSON's surrogate pairs") {
  // yaml-cpp refuses "\ud83d\ude00" (what Python's json.dump writes for an emoji); JSON reads
  // it as one character.
  const YamlDocument doc = parse_yaml(
      "{\n  \"narrative\": \"x \\ud83d\\ude00 y\",\n  \"n\": 2.50, \"b\": true, \"z\": null,\n"
      "  \"l\": [{\"category\": \"felony\"}]\n}\n",
      "answers.json");
  REQUIRE(doc.root.is_mapping());
  REQUIRE(doc.root.entries.size() == 5);
  const auto& [key, narrative] = doc.root.entries[0];
  CHECK(key.scalar == "narrative");
  CHECK((key.line == 2 && key.column == 3));
  CHECK(narrative.scalar == "x \xF0\x9F\x98\x80 y");
  CHECK(narrative.quoted);
  CHECK((narrative.line == 2 && narrative.column == 16));
  const YamlNode* n = doc.root.find("n");
  REQUIRE(n != nullptr);
  CHECK((n->scalar == "2.50" && !n->quoted && n->line == 3 && n->column == 8));
  CHECK((doc.root.find("b")->scalar == "true" && !doc.root.find("b")->quoted));
  CHECK(doc.root.find("z")->is_null());
  const YamlNode* l = doc.root.find("l");
  REQUIRE((l != nullptr && l->is_sequence() && l->items.size() == 1));
  CHECK(l->items[0].find("category")->scalar == "felony");
  CHECK(l->items[0].line == 4);
  CHECK(l->items[0].column == 9);
  CHECK(l->column == 8);
}

TEST_CASE("json: the JSON reader keeps the YAML reader's checks and positions") {
  CHECK(parse_error("{\"a\": 1,\n \"a\": 2}") ==
        "big.yaml:2:2: error: duplicate key 'a' (first at line 1)");
  std::string deep(70, '[');
  deep += std::string(70, ']');
  CHECK(parse_error(deep).find("nesting deeper than 64 levels") != std::string::npos);
  // Not JSON: YAML flow style and a lone surrogate go to yaml-cpp as before.
  const YamlDocument flow = parse_yaml("{a: 1, 'b': x}", "flow.yaml");
  CHECK(flow.root.find("a")->scalar == "1");
  CHECK(parse_error("{\"a\": \"\\ud83d\"}").find("invalid unicode") != std::string::npos);
  CHECK(parse_error("{\"a\": 1} {\"b\": 2}") != "");
}

TEST_CASE("yaml: every escape makes UTF-8, \\N and \\_ included (yaml-cpp makes one byte)") {
  const YamlDocument doc =
      parse_yaml("a: \"x\\Ny\\_z\"\n\"k\\_\": [\"\\N\"]\nb: \"\\u00A0\\x85\\L caf\xC3\xA9\"\n",
                 "e.yaml");
  CHECK(doc.root.find("a")->scalar == "x\xC2\x85y\xC2\xA0z");
  const YamlNode* listed = doc.root.find("k\xC2\xA0");
  REQUIRE(listed != nullptr);
  CHECK(listed->items.at(0).scalar == "\xC2\x85");
  // What was UTF-8 already stays as it was, continuation bytes 0x85 and 0xA0 included.
  CHECK(doc.root.find("b")->scalar == "\xC2\xA0\xC2\x85\xE2\x80\xA8 caf\xC3\xA9");
}
