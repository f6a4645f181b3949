// SPDX-License-Identifier: Apache-2.0
#include "core/base/text_util.hpp"

#include <doctest/doctest.h>

using divert::terminal_safe;

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

  TEST_CASE("bytes that are not UTF-8 are escaped one by one") {
    CHECK(terminal_safe("\x9b"
                        "2J") == "\\x9b2J");                            // an 8-bit CSI
    CHECK(terminal_safe("\xC3") == "\\xc3");                            // truncated
    CHECK(terminal_safe("\xC0\xAF") == "\\xc0\\xaf");                   // overlong
    CHECK(terminal_safe("\xED\xA0\x80") == "\\xed\\xa0\\x80");          // a surrogate
    CHECK(terminal_safe("\xF4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80"); // above U+10FFFF
  }
}
