// SPDX-License-Identifier: Apache-2.0
#include "core/base/text_util.hpp"

#include <doctest/doctest.h>

using divert::terminal_safe;
using divert::terminal_safe_lines;

TEST_SUITE("terminal_safe") {
  TEST_CASE("printable text and UTF-8 pass through") {
    CHECK(terminal_safe("REF-01M8BVM4G00000008TBN3YPANH.json") ==
          "REF-01M8BVM4G00000008TBN3YPANH.json");
    CHECK(terminal_safe("Bellingham PD \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x82") ==
          "Bellingham PD \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x82");
    CHECK(terminal_safe("") == "");
    CHECK(terminal_safe("a\\b") == "a\\b");
  }

  TEST_CASE("control characters are shown as \\xNN") {
    CHECK(terminal_safe("\x1b[1A\x1b[2K\rok      all good\a") ==
          "\\x1b[1A\\x1b[2K\\x0dok      all good\\x07");
    CHECK(terminal_safe("a\nb\tc\x7f") == "a\\x0ab\\x09c\\x7f");
    CHECK(terminal_safe(std::string("a\0b", 3)) == "a\\x00b");
    // C1 controls in UTF-8 (U+009B is CSI, U+009D OSC to some terminals)
    CHECK(terminal_safe("x\xC2\x9B"
                        "2J\xC2\x9D") == "x\\xc2\\x9b2J\\xc2\\x9d");
    CHECK(terminal_safe("\xC2\xA0") == "\xC2\xA0"); // U+00A0 is not a control
  }

  TEST_CASE("bidirectional controls are escaped; marks that only set direction are not") {
    // U+202E (RIGHT-TO-LEFT OVERRIDE) would show "1-esac" as "case-1"; U+2066 isolates
    CHECK(terminal_safe("case-\xE2\x80\xAE"
                        "1") == "case-\\xe2\\x80\\xae1");
    CHECK(terminal_safe("\xE2\x80\xAA\xE2\x81\xA6x\xE2\x81\xA9") ==
          "\\xe2\\x80\\xaa\\xe2\\x81\\xa6x\\xe2\\x81\\xa9");
    CHECK(terminal_safe("\xE2\x80\x8F\xE2\x80\x8E\xE2\x80\xAF") ==
          "\xE2\x80\x8F\xE2\x80\x8E\xE2\x80\xAF"); // RLM, LRM, a narrow no-break space
  }

  TEST_CASE("terminal_safe_lines keeps line feeds and tabs, and escapes the rest") {
    CHECK(terminal_safe_lines("a\n\tb") == "a\n\tb");
    CHECK(terminal_safe_lines("x\x1b]0;owned\x07\r\n") == "x\\x1b]0;owned\\x07\\x0d\n");
    CHECK(terminal_safe_lines("\xE2\x80\xAE\xC2\x9B\xFF") == "\\xe2\\x80\\xae\\xc2\\x9b\\xff");
  }

  TEST_CASE("bytes that are not UTF-8 are escaped one by one") {
    CHECK(terminal_safe("\x9b"
                        "2J") == "\\x9b2J");                            // an 8-bit CSI
    CHECK(terminal_safe("\xC3") == "\\xc3");                            // truncated
    CHECK(terminal_safe("\xC0\xAF") == "\\xc0\\xaf");                   // overlong
    CHECK(terminal_safe("\xED\xA0\x80") == "\\xed\\xa0\\x80");          // a surrogate
    CHECK(terminal_safe("\xF4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80"); // above U+10FFFF
  }
}

TEST_SUITE("find_unprintable") {
  using divert::find_unprintable;

  // Offset and code point of the first character found, or (npos, 0) when none is.
  std::pair<size_t, unsigned> first(std::string_view text) {
    const auto found = find_unprintable(text);
    return found ? std::pair{found->offset, static_cast<unsigned>(found->code_point)}
                 : std::pair{std::string_view::npos, 0u};
  }

  TEST_CASE("plain text, tabs, line feeds and ordinary Unicode pass") {
    CHECK(first("Possession of 2.5 g\tor less,\nno weapon") == first(""));
    CHECK(first("Se\xC3\xB1or caf\xC3\xA9 \xF0\x9F\x9A\x93 \xE2\x80\xAF") == first(""));
    CHECK(first("\xE2\x80\x8F\xE2\x80\x8E") == first("")); // RLM and LRM only mark direction
  }

  TEST_CASE("C0 controls, DEL and C1 controls are found where they are") {
    CHECK(first("a\x1b[31m") == std::pair{size_t{1}, 0x1Bu});
    CHECK(first(std::string_view("ab\0c", 4)) == std::pair{size_t{2}, 0u});
    CHECK(first("\r\n") == std::pair{size_t{0}, 0x0Du});
    CHECK(first("x\x7F") == std::pair{size_t{1}, 0x7Fu});
    CHECK(first("\xC3\xA9\xC2\x9B") == std::pair{size_t{2}, 0x9Bu});
    CHECK(first("\xC2\xA0") == first("")); // U+00A0 is a space, not a control
  }

  TEST_CASE("bidirectional embeddings, overrides and isolates are found") {
    for (const auto& [bytes, cp] : {std::pair{"\xE2\x80\xAA", 0x202Au},
                                    {"\xE2\x80\xAE", 0x202Eu},
                                    {"\xE2\x81\xA6", 0x2066u},
                                    {"\xE2\x81\xA9", 0x2069u}}) {
      CHECK(first(std::string("ok ") + bytes) == std::pair{size_t{3}, cp});
    }
    CHECK(first("\xE2\x80\xA9\xE2\x81\xAA") == first("")); // U+2029 and U+206A are not
  }
}
