// SPDX-License-Identifier: Apache-2.0
// The batch line reader keeps memory bounded: an over-long line is handed out cut short (so the
// case reader refuses it) and the rest of it skipped, and the lines after it are read as usual.
#include "cli/line_reader.hpp"

#include <doctest/doctest.h>

#include <random>
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

TEST_CASE("a UTF-8 byte order mark before a case is dropped, on any line") {
  const std::string bom = "\xEF\xBB\xBF";
  const auto lines = lines_of(bom + "{}\r\n" + bom + "\n" + bom + "{\"a\":1}\n\xEF\xBB{}", 100);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "1:{}");
  CHECK(lines[1] == "3:{\"a\":1}");  // line 2, a BOM alone, is blank
  CHECK(lines[2] == "4:\xEF\xBB{}"); // half a BOM is left for the case reader to refuse
  // An over-long line keeps its BOM: cut short, it must still be refused as too long.
  const auto long_lines = lines_of(bom + std::string(99, 'x') + "\n", 100);
  REQUIRE(long_lines.size() == 1);
  CHECK(long_lines[0] == "1:" + bom + std::string(99, 'x'));
}

TEST_CASE("a line of max_line bytes is handed out whole") {
  const std::string full(100, 'y');
  const auto lines = lines_of(full + "\r\n" + full, 100);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "1:" + full);
  CHECK(lines[1] == "2:" + full);
}

namespace {

using divert::cli::BlockReader;

// The cases BlockReader's blocks hold, as lines_of gives them.
std::vector<std::string> block_cases_of(const std::string& text, size_t max_line,
                                        size_t block_bytes, size_t block_lines,
                                        size_t* blocks = nullptr) {
  std::istringstream in(text);
  BlockReader reader(in, 64, max_line, block_bytes, block_lines);
  std::vector<std::string> out;
  BlockReader::Block block;
  size_t next_line = 1;
  while (reader.fill(block)) {
    CHECK(block.first_line == next_line);
    CHECK(block.lines <= block_lines);
    next_line += block.lines;
    REQUIRE(block.text.size() >= block.size + 64);
    CHECK(block.text[block.size - 1] == '\n');
    CHECK(std::string(block.text.data() + block.size, 64) == std::string(64, ' '));
    BlockReader::for_each_case(block, max_line, [&](std::string_view line, size_t number) {
      CHECK(line.data()[line.size()] == '\0'); // the case reader reads the line in place
      out.push_back(std::to_string(number) + ":" + std::string(line));
    });
    if (blocks != nullptr) {
      ++*blocks;
    }
  }
  CHECK(!reader.fill(block));
  return out;
}

} // namespace

TEST_CASE("blocks hold exactly the cases and line numbers the line reader gives") {
  const std::string huge(5000, 'x');
  const std::string spaces(3000, ' ');
  const std::vector<std::string> inputs = {
      "",
      "\n",
      "a",
      "a\n",
      "a\nb",
      "a\r\nb\r\n",
      "\r\n\r\n  \t\nc\r",
      "{\"case_id\":1}\n\n{\"case_id\":2}\n",
      "a\n" + huge + "\nb\r\n\n" + huge,
      huge + "\r\n",
      spaces + "x\n" + "y",
      std::string(999, 'z') + "\n" + std::string(1000, 'w') + "\n" + std::string(1001, 'v'),
      "\xEF\xBB\xBF"
      "a\r\n\xEF\xBB\xBF\r\n\xEF\xBB\xBF" +
          huge +
          "\n\xEF\xBB"
          "b",
  };
  for (const std::string& input : inputs) {
    for (const size_t block_bytes : {1, 7, 64, 1000, 4096}) {
      for (const size_t block_lines : {1, 3, 2048}) {
        CAPTURE(input.size());
        CAPTURE(block_bytes);
        CAPTURE(block_lines);
        CHECK(block_cases_of(input, 1000, block_bytes, block_lines) == lines_of(input, 1000));
      }
    }
  }
}

TEST_CASE("blocks agree with the line reader on random mixtures of line shapes") {
  std::mt19937 random(13); // NOLINT(cert-msc32-c,cert-msc51-cpp): fixed for repeatable tests
  const std::vector<std::string> shapes = {"",
                                           "\r",
                                           " \t",
                                           "x",
                                           "{\"a\":1}",
                                           std::string(300, 'm'),
                                           std::string(1100, 'o'),
                                           "\xEF\xBB\xBF",
                                           "\xEF\xBB\xBF{}"};
  for (int round = 0; round < 200; ++round) {
    std::string input;
    const auto count = static_cast<size_t>(random() % 60);
    for (size_t i = 0; i < count; ++i) {
      input += shapes[random() % shapes.size()];
      input += (random() % 5 == 0) ? "\r\n" : "\n";
    }
    if (random() % 2 == 0 && !input.empty()) {
      input.pop_back(); // no final newline
    }
    const size_t block_bytes = 1 + random() % 2000;
    const size_t block_lines = 1 + random() % 20;
    CAPTURE(round);
    CHECK(block_cases_of(input, 1000, block_bytes, block_lines) == lines_of(input, 1000));
  }
}

TEST_CASE("a block takes at most block_lines lines, and the rest waits for the next") {
  std::string input;
  for (int i = 0; i < 5000; ++i) {
    input += "x\n";
  }
  size_t blocks = 0;
  const auto cases = block_cases_of(input, 1000, 1u << 16, 2048, &blocks);
  CHECK(cases.size() == 5000);
  CHECK(cases.back() == "5000:x");
  CHECK(blocks == 3);
}

TEST_CASE("an over-long line is cut the same whatever the buffering, even when blank") {
  // A line longer than max_line + 1 is always cut to max_line + 2 bytes: of blank ones only
  // blanks are left, so the line is skipped whether or not its end was in the buffer.
  const std::string blank_then_text = std::string(150, ' ') + "x";
  const auto expected = std::vector<std::string>{"2:b"};
  CHECK(lines_of(blank_then_text + "\nb\n", 100) == expected);
  CHECK(block_cases_of(blank_then_text + "\nb\n", 100, 4096, 2048) == expected);
  CHECK(block_cases_of(blank_then_text + "\nb\n", 100, 8, 2048) == expected);
}

TEST_CASE("a block's buffer shrinks back after a long line grew it") {
  std::string input = std::string(5000, 'l') + "\n";
  for (int i = 0; i < 2000; ++i) {
    input += "short\n";
  }
  std::istringstream in(input);
  BlockReader reader(in, 64, 100000, 64, 2048);
  BlockReader::Block block;
  REQUIRE(reader.fill(block));
  CHECK(block.text.size() > 5000);
  size_t lines = block.lines;
  while (reader.fill(block)) {
    CHECK(block.text.size() < 1000);
    lines += block.lines;
  }
  CHECK(lines == 2001);
}
