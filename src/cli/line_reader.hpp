// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cstring>
#include <istream>
#include <string_view>
#include <vector>

namespace divert::cli {

// Hands out the physical lines of a stream, read in large blocks, each staying readable for
// `padding` bytes past its end (what the JSON case reader needs). The last line may lack its
// newline. Line splitting matches `divert batch` exactly, so line numbers agree.
// Memory stays bounded: of a line longer than `max_line` bytes only its first `max_line` + 2
// bytes are handed out (enough for the reader to see, even after dropping a CR, that it is too
// long) and the rest is skipped unread into memory.
class LineReader {
public:
  LineReader(std::istream& in, size_t padding, size_t max_line)
      : m_in(in), m_padding(padding), m_max_line(max_line) {
    m_buffer.resize(k_block + m_padding);
  }

  bool next(std::string_view& line) {
    if (m_skipping) {
      skip_rest_of_line();
    }
    for (;;) {
      const void* hit = std::memchr(m_buffer.data() + m_scan, '\n', m_end - m_scan);
      if (hit != nullptr) {
        const auto at = static_cast<size_t>(static_cast<const char*>(hit) - m_buffer.data());
        line = std::string_view(m_buffer.data() + m_begin, at - m_begin);
        m_begin = at + 1;
        m_scan = m_begin;
        return true;
      }
      m_scan = m_end;
      if (m_end - m_begin > m_max_line + 1) {
        line = std::string_view(m_buffer.data() + m_begin, m_max_line + 2);
        m_skipping = true;
        return true;
      }
      if (m_eof) {
        if (m_begin < m_end) {
          line = std::string_view(m_buffer.data() + m_begin, m_end - m_begin);
          m_begin = m_end;
          return true;
        }
        return false;
      }
      refill();
    }
  }

  // The next case of a JSON Lines corpus, as batch and diff read it: `line_number` counts
  // physical lines (1-based), a trailing CR is dropped, blank lines are skipped.
  bool next_case(std::string_view& line, size_t& line_number) {
    while (next(line)) {
      ++line_number;
      if (as_case(line, m_max_line)) {
        return true;
      }
    }
    return false;
  }

  // What batch makes of one physical line (without its newline): a line longer than
  // `max_line` + 1 bytes is cut to `max_line` + 2 whatever the buffering (the case reader then
  // refuses it as too long); another loses a leading UTF-8 byte order mark, which Windows tools
  // write at the start of a file (and `cat` carries into the middle of one): RFC 8259 (section
  // 8.1) lets a parser ignore it, and it is never JSON, so no case read before reads otherwise.
  // A trailing CR is dropped; false when the line is blank.
  static bool as_case(std::string_view& line, size_t max_line) {
    if (line.size() > max_line + 1) {
      line = line.substr(0, max_line + 2);
    } else if (line.substr(0, 3) == "\xEF\xBB\xBF") {
      line.remove_prefix(3);
    }
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    return line.find_first_not_of(" \t\r") != std::string_view::npos;
  }

  bool bad() const { return m_in.bad(); }

private:
  static constexpr size_t k_block = 1u << 20;

  // Drops the rest of an over-long line, through its newline.
  void skip_rest_of_line() {
    m_skipping = false;
    for (;;) {
      const void* hit = std::memchr(m_buffer.data() + m_scan, '\n', m_end - m_scan);
      if (hit != nullptr) {
        m_begin = static_cast<size_t>(static_cast<const char*>(hit) - m_buffer.data()) + 1;
        m_scan = m_begin;
        return;
      }
      m_begin = m_end;
      m_scan = m_end;
      if (m_eof) {
        return;
      }
      refill();
    }
  }

  void refill() {
    // Keep the unfinished line; grow only when one line outgrows the buffer.
    const size_t kept = m_end - m_begin;
    std::memmove(m_buffer.data(), m_buffer.data() + m_begin, kept);
    m_scan -= m_begin;
    m_begin = 0;
    m_end = kept;
    if (m_buffer.size() - m_padding - m_end < k_block / 2) {
      m_buffer.resize(m_buffer.size() * 2);
    }
    m_in.read(m_buffer.data() + m_end,
              static_cast<std::streamsize>(m_buffer.size() - m_padding - m_end));
    const auto got = static_cast<size_t>(m_in.gcount());
    m_end += got;
    std::memset(m_buffer.data() + m_end, ' ', m_padding);
    if (got == 0 || !m_in) {
      m_eof = true;
    }
  }

  std::istream& m_in;
  size_t m_padding;
  size_t m_max_line;
  std::vector<char> m_buffer;
  size_t m_begin = 0;
  size_t m_end = 0;
  size_t m_scan = 0;
  bool m_eof = false;
  bool m_skipping = false;
};

// Cuts a stream into blocks of whole lines for `batch --jobs`, so that the one thread reading
// at a time only reads and counts newlines: the lines of a block are split by the thread that
// decides it (for_each_case). Cases and line numbers are exactly LineReader::next_case's.
// A block holds about `block_bytes` of input and at most `block_lines` lines (which bounds
// the output one block makes); only a line longer than the block grows its buffer, and of an
// over-long line only its first `max_line` + 2 bytes are kept, as LineReader does.
class BlockReader {
public:
  struct Block {
    std::vector<char> text; // whole lines, each ending in '\n', then padding spaces
    size_t size = 0;        // bytes of lines in `text`
    size_t first_line = 0;  // the number of its first physical line (1-based)
    size_t lines = 0;       // physical lines in it
  };

  BlockReader(std::istream& in, size_t padding, size_t max_line, size_t block_bytes,
              size_t block_lines)
      : m_in(in), m_padding(padding), m_max_line(max_line), m_block(block_bytes),
        m_block_lines(block_lines) {}

  // Fills `block` with the next lines; false at the end of the input.
  bool fill(Block& block) {
    size_t pos = start(block);
    size_t cut = 0;
    for (;;) {
      const void* last = pos == 0 ? nullptr : memrchr(block.text.data(), '\n', pos);
      if (last != nullptr) {
        cut = static_cast<size_t>(static_cast<const char*>(last) - block.text.data()) + 1;
        break;
      }
      if (m_eof) {
        if (pos == 0) {
          block.size = 0;
          return false;
        }
        block.text[pos++] = '\n'; // the last line lacked its newline
        cut = pos;
        break;
      }
      if (pos > m_max_line + 1) {
        pos = m_max_line + 2;
        block.text[pos++] = '\n';
        cut = pos;
        m_skipping = true;
        break;
      }
      if (pos == room(block)) {
        block.text.resize(block.text.size() * 2);
      }
      pos += read_into(block, pos);
    }
    // Count the lines with memchr (vectorized in libc; std::count is a byte loop here), and
    // after `block_lines` of them (tiny lines) cut: the rest goes to the next block.
    size_t lines = 0;
    for (const char* at = block.text.data(); lines < m_block_lines; ++lines) {
      const size_t left = cut - static_cast<size_t>(at - block.text.data());
      const void* newline = left == 0 ? nullptr : std::memchr(at, '\n', left);
      if (newline == nullptr) {
        break;
      }
      at = static_cast<const char*>(newline) + 1;
      if (lines + 1 == m_block_lines) {
        cut = static_cast<size_t>(at - block.text.data());
      }
    }
    m_carry_has_lines = cut < pos && std::memchr(block.text.data() + cut, '\n', pos - cut);
    m_carry.assign(block.text.data() + cut, block.text.data() + pos);
    std::memset(block.text.data() + cut, ' ', m_padding);
    block.size = cut;
    block.first_line = m_lines + 1;
    block.lines = lines;
    m_lines += lines;
    return true;
  }

  // Calls f(line, line_number) for each case line of `block` (blank lines are skipped); each
  // line stays readable for `padding` bytes past its end, the first of them a NUL (its newline
  // or CR, overwritten: the case reader then reads the line where it is, without a copy).
  template <class F> static void for_each_case(Block& block, size_t max_line, F&& f) {
    char* at = block.text.data();
    char* const end = at + block.size;
    size_t number = block.first_line;
    while (at < end) {
      auto* newline = static_cast<char*>(std::memchr(at, '\n', static_cast<size_t>(end - at)));
      std::string_view line(at, static_cast<size_t>(newline - at));
      if (LineReader::as_case(line, max_line)) {
        at[line.data() + line.size() - at] = '\0'; // the byte after the line
        f(line, number);
      }
      ++number;
      at = newline + 1;
    }
  }

private:
  // Bytes of `block` that input may fill: one is kept for a newline, then the padding.
  size_t room(const Block& block) const { return block.text.size() - 1 - m_padding; }

  // Puts what the last block left over at the start of `block`, drops the rest of an
  // over-long line, and sizes the buffer: back to `block_bytes` after a long line grew it.
  size_t start(Block& block) {
    // Room to read more after an unfinished line; none needed after lines left by the cap.
    const size_t want = std::max(m_block, m_carry_has_lines ? m_carry.size() : m_carry.size() * 2);
    if (block.text.empty() || room(block) < want || room(block) > 2 * want) {
      std::vector<char>(want + 1 + m_padding).swap(block.text);
    }
    // memcpy from an empty vector's data() (null) is undefined even for zero bytes.
    if (!m_carry.empty()) {
      std::memcpy(block.text.data(), m_carry.data(), m_carry.size());
    }
    size_t pos = m_carry.size();
    while (m_skipping) {
      const size_t got = read_into(block, 0);
      const void* hit = std::memchr(block.text.data(), '\n', got);
      if (hit != nullptr) {
        const auto rest =
            static_cast<size_t>(static_cast<const char*>(hit) - block.text.data()) + 1;
        pos = got - rest;
        std::memmove(block.text.data(), block.text.data() + rest, pos);
        m_skipping = false;
      } else if (m_eof) {
        m_skipping = false;
      }
    }
    return pos;
  }

  size_t read_into(Block& block, size_t pos) {
    const size_t space = room(block) - pos;
    if (m_eof || space == 0) {
      return 0;
    }
    m_in.read(block.text.data() + pos, static_cast<std::streamsize>(space));
    const auto got = static_cast<size_t>(m_in.gcount());
    if (got == 0 || !m_in) {
      m_eof = true;
    }
    return got;
  }

  std::istream& m_in;
  size_t m_padding;
  size_t m_max_line;
  size_t m_block;
  size_t m_block_lines;
  std::vector<char> m_carry;
  size_t m_lines = 0;
  bool m_carry_has_lines = false;
  bool m_eof = false;
  bool m_skipping = false;
};

// batch's blocks (bench/io_floor.cpp reads its corpus with the same): small enough that a block
// and its decision lines (about twice its size) stay in the core's own cache; against 256 KiB
// blocks, half the last-level write misses (callgrind) and about 3% less time on one core.
inline constexpr size_t k_batch_block_bytes = size_t{1} << 16;
inline constexpr size_t k_batch_block_lines = 2048;

} // namespace divert::cli
