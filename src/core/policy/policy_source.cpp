// SPDX-License-Identifier: Apache-2.0
#include "core/policy/policy_source.hpp"

#include <algorithm>

namespace divert {

PolicySources::PolicySources(const std::map<std::string, std::string>& texts) {
  for (const auto& [file, text] : texts) {
    try {
      m_docs.emplace(file, parse_yaml(text, file));
    } catch (const InputError&) {
      // Reported by the loader; nothing here can be located in a file that does not parse.
    }
  }
}

const YamlDocument* PolicySources::document(const std::string& file) const {
  const auto it = m_docs.find(file);
  return it == m_docs.end() ? nullptr : &it->second;
}

const YamlNode* PolicySources::top(const std::string& file, std::string_view key) const {
  const YamlDocument* doc = document(file);
  if (doc == nullptr || !doc->root.is_mapping()) {
    return nullptr;
  }
  return doc->root.find(key);
}

const YamlNode* PolicySources::item_field(const std::string& file, std::string_view list,
                                               std::string_view id,
                                               std::string_view field) const {
  const YamlNode* items = top(file, list);
  if (items == nullptr || !items->is_sequence()) {
    return nullptr;
  }
  for (const YamlNode& item : items->items) {
    if (!item.is_mapping()) {
      continue;
    }
    const YamlNode* item_id = item.find("id");
    if (item_id != nullptr && item_id->is_scalar() && item_id->scalar == id) {
      return item.find(field);
    }
  }
  return nullptr;
}

const YamlNode* PolicySources::rule_field(const std::string& file, std::string_view id,
                                          std::string_view field) const {
  return item_field(file, "rules", id, field);
}

const YamlNode* PolicySources::question_field(const std::string& file, std::string_view id,
                                              std::string_view field) const {
  return item_field(file, "questions", id, field);
}

SourceLocation PolicySources::where(const std::string& file, const YamlNode& node) const {
  return SourceLocation{file, node.line, node.column};
}

SourceLocation PolicySources::where_in_scalar(const std::string& file, const YamlNode& node,
                                              size_t offset) const {
  const YamlDocument* doc = document(file);
  if (doc == nullptr || node.line <= 0) {
    return where(file, node);
  }
  const std::string& text = *doc->text;
  // The byte where the node starts.
  size_t pos = 0;
  for (int line = 1; line < node.line && pos < text.size(); ++pos) {
    if (text[pos] == '\n') {
      ++line;
    }
  }
  pos += static_cast<size_t>(std::max(node.column - 1, 0));
  if (pos >= text.size()) {
    return where(file, node);
  }
  if (text[pos] == '\'' || text[pos] == '"') {
    ++pos;
  } else if (text[pos] == '>' || text[pos] == '|') {
    const size_t newline = text.find('\n', pos);
    if (newline == std::string::npos) {
      return where(file, node);
    }
    pos = newline + 1;
  }
  // Folding only changes whitespace, so the n-th non-blank character of the value is the n-th
  // non-blank character of its source.
  const std::string& value = node.scalar;
  size_t wanted = 0;
  for (size_t i = 0; i < offset && i < value.size(); ++i) {
    if (value[i] != ' ' && value[i] != '\n' && value[i] != '\t') {
      ++wanted;
    }
  }
  auto blank = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; };
  for (;;) {
    while (pos < text.size() && blank(text[pos])) {
      ++pos;
    }
    if (wanted == 0 || pos >= text.size()) {
      break;
    }
    ++pos;
    --wanted;
  }
  // Back from the byte offset to line and column.
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return SourceLocation{file, line, static_cast<int>(pos - line_start) + 1};
}

} // namespace divert
