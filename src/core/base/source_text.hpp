// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace divert {

// A line and column in a text, both 1-based; columns count bytes.
struct TextPosition {
  int line = 0;
  int column = 0;
};

// A text with its line index: the one place a byte offset becomes a line and column (and
// back). Holds a view: the text must outlive it.
class SourceText {
public:
  explicit SourceText(std::string_view text);

  std::string_view text() const { return m_text; }

  // Where byte `offset` is (an offset past the end is the end).
  TextPosition locate(std::size_t offset) const;
  // The byte at `position` (clamped to the text).
  std::size_t offset(TextPosition position) const;

  // Where byte `offset` of a YAML scalar's value lies, the scalar's node starting at `node`:
  // follows the value across folded (`>-`) and plain continuation lines and past an opening
  // quote. Folding only changes whitespace, so the n-th non-blank byte of the value is the n-th
  // non-blank byte of its source; exact for conditions, which have no escapes.
  TextPosition locate_in_scalar(TextPosition node, std::string_view value,
                                std::size_t offset) const;

private:
  std::string_view m_text;
  std::vector<std::size_t> m_line_starts; // byte offset of each line's first byte
};

} // namespace divert
