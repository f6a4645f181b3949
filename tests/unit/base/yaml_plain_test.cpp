// SPDX-License-Identifier: Apache-2.0
// parse_yaml reads a plain block mapping (the usual answers file) without yaml-cpp: the tree,
// positions included, must be yaml-cpp's for every file it reads that way, and whatever it
// declines (or finds wrong) is left to yaml-cpp, so errors read the same.
#include "base/yaml_parse_outcome.hpp"
#include "core/base/yaml_doc.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using divert::parse_yaml;
using divert::YamlNode;

namespace {

std::string outcome(const std::string& text, bool fast) {
  return divert::testing::yaml_parse_outcome(text, fast);
}

} // namespace

TEST_CASE("the plain block reader gives yaml-cpp's tree for every YAML file of the project") {
  size_t files = 0;
  for (const char* dir : {"examples", "policies", "tests"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(DIVERT_SOURCE_DIR) / dir)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".yaml" && ext != ".yml")) {
        continue;
      }
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      CAPTURE(entry.path().string());
      CHECK(outcome(text.str(), true) == outcome(text.str(), false));
      ++files;
    }
  }
  CHECK(files > 50);
}

TEST_CASE("the plain block reader gives yaml-cpp's tree on variations of an answers file") {
  const std::vector<std::string> keys = {"pathway", "in_area", "k-1", "a.b", "x"};
  const std::vector<std::string> values = {"arrest_diversion",
                                           "true",
                                           "1.2",
                                           "-3",
                                           "1988-07-14",
                                           "\"2024-03-02\"",
                                           "'quoted'",
                                           "\"\"",
                                           "null",
                                           "~",
                                           "a b  c",
                                           "x # comment",
                                           "{category: other, date: \"2019-05-20\"}",
                                           "{a: 1,b: 2}",
                                           "{ a: 1 , b: x y }",
                                           "a:b",
                                           "http://x",
                                           "it's",
                                           "'it''s'",
                                           "\"a\\tb\"",
                                           "[1, 2]",
                                           "-x",
                                           "- x",
                                           "{}",
                                           "{a: }",
                                           "[]",
                                           "!tag x",
                                           "&a x",
                                           "*a",
                                           "| x",
                                           "> x",
                                           "%x",
                                           "@x",
                                           "`x`",
                                           "\"a",
                                           "a\"b",
                                           "a # b # c",
                                           "#",
                                           "é",
                                           "{a: {b: c}}",
                                           "{a: 'q'}",
                                           "{\"a\": 1}",
                                           ":x",
                                           "?x",
                                           "x:",
                                           "x: y"};
  std::mt19937 random(7); // NOLINT(cert-msc32-c,cert-msc51-cpp): fixed for repeatable tests
  auto pick = [&](const std::vector<std::string>& from) { return from[random() % from.size()]; };
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    if (random() % 4 == 0) {
      text += "# a comment\n";
    }
    const int entries = 1 + static_cast<int>(random() % 5);
    for (int i = 0; i < entries; ++i) {
      const std::string key = pick(keys);
      switch (random() % 6) {
      case 0: {
        text += key + ":\n";
        const std::string indent(random() % 3, ' ');
        const int items = static_cast<int>(random() % 3);
        for (int j = 0; j < items; ++j) {
          text += indent + "- " + pick(values) + "\n";
        }
        break;
      }
      case 1: {
        text += key + ": # note\n";
        const std::string indent(1 + random() % 3, ' ');
        text += indent + pick(keys) + ": " + pick(values) + "\n";
        if (random() % 2 == 0) {
          text += indent + pick(keys) + ": " + pick(values) + "\n";
        }
        break;
      }
      case 2: text += key + ": " + pick(values) + "\n\n"; break;
      case 3: text += key + ":  " + pick(values) + "   \n"; break;
      default: text += key + ": " + pick(values) + "\n"; break;
      }
    }
    if (random() % 5 == 0 && !text.empty()) {
      text.pop_back(); // no final newline
    }
    if (random() % 7 == 0) {
      text.insert(0, " ");
    }
    CAPTURE(text);
    CHECK(outcome(text, true) == outcome(text, false));
  }
}
