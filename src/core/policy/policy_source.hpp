// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/base/yaml_doc.hpp"

#include <map>
#include <string>
#include <string_view>

namespace divert {

// The policy files again, as located YAML trees, so that the author tools can point at any key
// (`status:`, `review_by:`, a rule's `condition:` and a column inside it). The loader keeps only
// where each rule and question id is; re-reading the text costs little and keeps it lean.
class PolicySources {
public:
  PolicySources() = default;
  // `texts`: display name -> file text, as the front-end read each layer. A text that does not
  // parse is skipped (the loader reports it); lookups in it return nullptr.
  explicit PolicySources(const std::map<std::string, std::string>& texts);

  const YamlDocument* document(const std::string& file) const;

  // The value of a top-level key in `file`, or nullptr.
  const YamlNode* top(const std::string& file, std::string_view key) const;
  // The value of `field` of the rule (or question) with `id` in `file`, or nullptr.
  const YamlNode* rule_field(const std::string& file, std::string_view id,
                             std::string_view field) const;
  const YamlNode* question_field(const std::string& file, std::string_view id,
                                 std::string_view field) const;
  // The same for any top-level list of items with ids ("rules", "questions", "derived").
  const YamlNode* item_field(const std::string& file, std::string_view list, std::string_view id,
                             std::string_view field) const;

  // Where `node` is (its first character).
  SourceLocation where(const std::string& file, const YamlNode& node) const;
  // Where byte `offset` of a scalar's value lies in the file, following the value across
  // folded (`>-`) and quoted lines: exact for conditions, which have no escapes.
  SourceLocation where_in_scalar(const std::string& file, const YamlNode& node,
                                 size_t offset) const;

private:
  std::map<std::string, YamlDocument> m_docs;
};

} // namespace divert
