// SPDX-License-Identifier: Apache-2.0
#pragma once

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
      if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
      }
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) {
        return true;
      }
    }
    return false;
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

} // namespace divert::cli
