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
  CHECK(parse_error("a: 1\nb: 2\na: 3\n") == "big.yaml:3:1: error: duplicate key 'a' (first at line 1)");
  CHECK(seconds_since(start) < 5.0);
}

TEST_CASE("yaml: more than 10000 keys in one mapping are refused, quickly") {
  const auto start = std::chrono::steady_clock::now();
  CHECK(parse_error(mapping_of(80000)) == "big.yaml:10001:1: error: more than 10000 keys in one mapping");
  CHECK(parse_error("outer:\n" + [] {
          std::string inner;
          for (int i = 0; i < 10001; ++i) inner += "  k" + std::to_string(i) + ": 1\n";
          return inner;
        }()) == "big.yaml:10002:3: error: more than 10000 keys in one mapping");
  CHECK(seconds_since(start) < 5.0);
}
