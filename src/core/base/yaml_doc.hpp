// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/base/error.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace divert {

// A YAML document as a located tree. Built from yaml-cpp's event stream rather than its node
// API so that every node keeps its position, duplicate keys are caught at their second
// occurrence, and anchors, aliases, tags and merge keys are refused (they make
// denial-of-service inputs trivial and are never needed in a policy or an answers file).
struct YamlNode {
  enum class Kind { null, scalar, sequence, mapping };

  Kind kind = Kind::null;
  int line = 0;   // 1-based
  int column = 0; // 1-based, bytes
  std::string scalar;
  bool quoted = false; // a quoted scalar: never a bool, number or date keyword
  std::vector<YamlNode> items;
  std::vector<std::pair<YamlNode, YamlNode>> entries; // mapping, in document order

  // Defined out of line, where YamlNode is complete: a vector of pairs of the type being
  // defined cannot be copied or destroyed inside its own class body (clang refuses it).
  YamlNode();
  YamlNode(const YamlNode&);
  YamlNode(YamlNode&&) noexcept;
  YamlNode& operator=(const YamlNode&);
  YamlNode& operator=(YamlNode&&) noexcept;
  ~YamlNode();

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_mapping() const { return kind == Kind::mapping; }
  const YamlNode* find(std::string_view key) const;
  const char* kind_name() const;
};

struct YamlDocument {
  std::shared_ptr<const std::string> file; // display name
  std::shared_ptr<const std::string> text;
  YamlNode root;

  SourceLocation where(const YamlNode& node) const { return {*file, node.line, node.column}; }
};

// Parses `text`. Throws InputError located at `display_name:line:col` for any syntax error,
// duplicate key, anchor, alias, tag, merge key, second document, invalid UTF-8 or nesting
// deeper than a policy could ever need.
// `fast`: a plain block mapping (the usual answers file) is read without yaml-cpp, into the
// same tree; false only for the test that compares the two.
YamlDocument parse_yaml(std::string text, const std::string& display_name, bool fast = true);

// Every key and value of `doc` that is not plain printable text (see find_unprintable in
// text_util.hpp), as errors located at the character, at most `limit` of them. Policies and
// their test files are shown on terminals and in documents, where such a character would act
// (retitle or clear the terminal, hide what follows) or reorder the words a reader sees.
std::vector<Diagnostic> find_unprintable_text(const YamlDocument& doc, size_t limit = 200);

// A store of parsed trees keyed by the SHA-256 of their text, so that a policy read again
// need not be parsed again (yaml-cpp costs milliseconds per policy, most of `decide`'s time).
// Implementations live in the front-end; core only serializes. `text` is the text hashed.
class YamlTreeCache {
public:
  virtual ~YamlTreeCache() = default;
  virtual std::optional<YamlNode> find(const std::string& sha256, std::string_view text) const = 0;
  virtual void store(const std::string& sha256, const YamlNode& root,
                     std::string_view text) const = 0;
};

// A compact binary form of the tree parsed from `text` (with its positions), and back: a
// scalar the text holds verbatim is kept as its place in `text`, so decoding needs the same
// text (the one whose hash is `sha256`). `decode_yaml_tree` checks every length, place and the
// nesting, and returns nullopt for anything it did not write itself.
std::string encode_yaml_tree(const std::string& sha256, const YamlNode& root,
                             std::string_view text);
std::optional<YamlNode> decode_yaml_tree(std::string_view bytes, const std::string& sha256,
                                         std::string_view text);

// The same limits apply to one-line flow values such as `--set` arguments.
YamlNode parse_yaml_value(std::string_view text, const std::string& display_name);

} // namespace divert
