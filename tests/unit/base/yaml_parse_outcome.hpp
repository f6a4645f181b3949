// SPDX-License-Identifier: Apache-2.0
// What parse_yaml makes of a text, as one string (the tree with every node's kind, position,
// quoting and scalar, or the error message), so that the plain block reader and yaml-cpp can
// be compared: by tests/unit/base/yaml_plain_test.cpp on known files and by the answers_yaml
// fuzzer on everything it tries.
#pragma once

#include "core/base/yaml_doc.hpp"

#include <exception>
#include <sstream>
#include <string>

namespace divert::testing {

inline std::string describe_yaml_tree(const YamlNode& node) {
  std::ostringstream out;
  out << static_cast<int>(node.kind) << '@' << node.line << ':' << node.column
      << (node.quoted ? "q" : "") << '[' << node.scalar << ']';
  for (const YamlNode& item : node.items) {
    out << " (" << describe_yaml_tree(item) << ')';
  }
  for (const auto& [key, value] : node.entries) {
    out << " {" << describe_yaml_tree(key) << " = " << describe_yaml_tree(value) << '}';
  }
  return out.str();
}

// `fast`: parse_yaml's plain block reader may take the text; otherwise yaml-cpp reads it.
inline std::string yaml_parse_outcome(const std::string& text, bool fast) {
  try {
    return describe_yaml_tree(parse_yaml(text, "t.yaml", fast).root);
  } catch (const std::exception& e) {
    return std::string("error: ") + e.what();
  }
}

} // namespace divert::testing
