// SPDX-License-Identifier: Apache-2.0
// The batch line reader keeps memory bounded: an over-long line is handed out cut short (so the
// case reader refuses it) and the rest of it skipped, and the lines after it are read as usual.
#include "cli/line_reader.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

using divert::cli::LineReader;

namespace {

std::vector<std::string> lines_of(const std::string& text, size_t max_line) {
  std::istringstream in(text);
  LineReader reader(in, 64, max_line);
  std::vector<std::string> out;
  std::string_view line;
  size_t number = 0;
  while (reader.next_case(line, number)) {
    out.push_back(std::to_string(number) + ":" + std::string(line));
  }
  return out;
}

} // namespace

TEST_CASE("an over-long line is cut to max_line + 2 bytes and the rest skipped") {
  const std::string huge(5u << 20, 'x'); // longer than the reader's 1 MiB block
  const auto lines = lines_of("a\n" + huge + "\nb\r\n\n" + huge, 100);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "1:a");
  CHECK(lines[1] == "2:" + std::string(102, 'x'));
  CHECK(lines[2] == "3:b");
  CHECK(lines[3] == "5:" + std::string(102, 'x'));
}

TEST_CASE("a line of max_line bytes is handed out whole") {
  const std::string full(100, 'y');
  const auto lines = lines_of(full + "\r\n" + full, 100);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "1:" + full);
  CHECK(lines[1] == "2:" + full);
}
