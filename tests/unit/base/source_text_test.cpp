// SPDX-License-Identifier: Apache-2.0
#include "core/base/source_text.hpp"
#include "core/base/yaml_doc.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace divert;

namespace {

std::string at(TextPosition p) { return std::to_string(p.line) + ":" + std::to_string(p.column); }

// Where byte `offset` of the value of key `key` (a top-level scalar) lies in `text`.
std::string in_value(const std::string& text, const char* key, std::size_t offset) {
  const YamlDocument doc = parse_yaml(text, "t.yaml");
  const YamlNode* node = doc.root.find(key);
  REQUIRE(node != nullptr);
  return at(SourceText(text).locate_in_scalar({node->line, node->column}, node->scalar, offset));
}

// Where byte `extra` of the first `needle` in the value of top-level key "c" lies in `text`.
std::string at_text(const std::string& text, std::string_view needle, std::size_t extra = 0) {
  const YamlDocument doc = parse_yaml(text, "t.yaml");
  const std::string& value = doc.root.find("c")->scalar;
  const std::size_t found = value.find(needle);
  REQUIRE(found != std::string::npos);
  return in_value(text, "c", found + extra);
}

} // namespace

TEST_SUITE("source_text") {
  TEST_CASE("locate: offsets to line and column, and back") {
    const SourceText s("ab\ncd\n\nef");
    CHECK(at(s.locate(0)) == "1:1");
    CHECK(at(s.locate(2)) == "1:3"); // the line break itself
    CHECK(at(s.locate(3)) == "2:1");
    CHECK(at(s.locate(7)) == "4:1");
    CHECK(at(s.locate(999)) == "4:3"); // clamped to the end
    CHECK(s.offset({2, 2}) == 4);
    CHECK(s.offset({9, 1}) == 9);
    CHECK(s.offset({0, 0}) == 0);
  }

  TEST_CASE("locate_in_scalar: plain, quoted and folded values") {
    CHECK(in_value("c: a and b\n", "c", 6) == "1:10");
    CHECK(in_value("c: 'a and b'\n", "c", 6) == "1:11");
    // Folded over lines, with a blank line and trailing spaces that folding drops.
    const std::string folded = "c: >-\n  a and  \n\n  bb < 3\nd: 1\n";
    const YamlDocument doc = parse_yaml(folded, "t.yaml");
    const std::string& value = doc.root.find("c")->scalar;
    CHECK(in_value(folded, "c", value.find("bb")) == "4:3");
    CHECK(in_value(folded, "c", value.find('<')) == "4:6");
    // The end of the value stays right after its last byte, not on the next key.
    CHECK(in_value(folded, "c", value.size()) == "4:9");
    // A plain scalar continued on the next line.
    CHECK(in_value("c: a and\n  b\n", "c", 6) == "2:3");
  }

  TEST_CASE("locate_in_scalar: escapes count as the bytes they make") {
    // \u00e9 makes two bytes, \t a blank, \e one byte: the ESC is at the backslash of \e.
    const std::string text = "c: \"caf\\u00e9 \\u00e9\\u00e9 x\\ty \\e[2J end\"\n";
    CHECK(at_text(text, "\x1b") == "1:33");
    CHECK(at_text(text, "end") == "1:39");
    CHECK(at_text(text, "y") == "1:31");
    // The second byte of a two-byte escape is found at the escape too.
    CHECK(at_text(text, "\xC3\xA9", 1) == "1:8");
    // A blank-making escape right before the byte is passed over.
    CHECK(in_value("c: \"a\\t\\x07\"\n", "c", 1) == "1:8");
    // An escaped line break, and \x, \U, \N, \L escapes of one to four bytes.
    const std::string joined = "c: \"ab\\\n  cd \\x41\\U0001F600\\N\\L\\a\"\n";
    CHECK(at_text(joined, "c") == "2:3");
    CHECK(at_text(joined, "\a") == "2:24");
    // In single quotes, '' is one quote.
    CHECK(in_value("c: 'it''s \\e'\n", "c", 6) == "1:12");
  }
}
