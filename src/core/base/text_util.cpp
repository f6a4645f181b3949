// SPDX-License-Identifier: Apache-2.0
#include "core/base/text_util.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>

namespace divert {

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += separator;
    }
    out += parts[i];
  }
  return out;
}

std::string word_wrap(std::string_view text, std::string_view first, std::string_view rest,
                      std::size_t width) {
  std::string out;
  std::string line(first);
  bool has_word = false;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\n') ++j;
    if (i == j) break;
    const std::string_view word = text.substr(i, j - i);
    if (has_word && line.size() + 1 + word.size() > width) {
      out += line;
      out += '\n';
      line = std::string(rest);
      has_word = false;
    }
    if (has_word) line += ' ';
    line += word;
    has_word = true;
    i = j;
  }
  if (has_word) {
    out += line;
    out += '\n';
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& known) {
  size_t best = std::string::npos;
  const std::string* best_word = nullptr;
  for (const std::string& k : known) {
    const size_t d = edit_distance(word, k);
    if (d < best) {
      best = d;
      best_word = &k;
    }
  }
  if (best_word != nullptr && best <= std::max<size_t>(2, word.size() / 4)) {
    return fmt::format(", did you mean '{}'?", *best_word);
  }
  return {};
}

std::string format_number(double x) { return fmt::format("{}", x); }

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += fmt::format("{:02x}", digest[i]);
  }
  return out;
}

} // namespace divert
