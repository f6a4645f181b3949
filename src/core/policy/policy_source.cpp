// SPDX-License-Identifier: Apache-2.0
#include "core/policy/policy_source.hpp"

#include "core/base/source_text.hpp"

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
                                          std::string_view id, std::string_view field) const {
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
  const TextPosition at =
      SourceText(*doc->text)
          .locate_in_scalar(TextPosition{node.line, node.column}, node.scalar, offset);
  return SourceLocation{file, at.line, at.column};
}

} // namespace divert
