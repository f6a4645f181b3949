// SPDX-License-Identifier: Apache-2.0
#include "core/base/yaml_doc.hpp"

#include "core/base/source_text.hpp"
#include "core/base/text_util.hpp"

#include <fmt/format.h>
#include <simdjson.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <optional>
#include <cstdint>
#include <sstream>
#include <unordered_map>

namespace divert {

namespace {

// Far beyond any real policy, far below what would exhaust the parser's recursion.
constexpr int k_max_depth = 64;
constexpr size_t k_max_text = 32u << 20;
// No policy or answers file needs more keys in one mapping (a policy's largest, its questions,
// are a list); divert-policy(5) documents the limit.
constexpr size_t k_max_mapping_keys = 10000;

// yaml-cpp's parser recurses once per nesting level, so hostile nesting (`[[[[…`) must be
// refused before it runs. This scan over-approximates depth: flow brackets outside quotes and
// comments, plus block indentation steps.
void check_nesting(std::string_view text, const std::string& file) {
  int flow_depth = 0;
  int line = 1;
  size_t line_start = 0;
  bool at_line_start = true;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      line_start = i + 1;
      at_line_start = true;
      if (quote == '\'' || quote == '"') {
        continue; // multi-line quoted scalar
      }
      continue;
    }
    if (at_line_start) {
      // Indentation plus compact "- - -" prefixes bound block nesting.
      size_t j = i;
      int steps = 0;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '-')) {
        if (text[j] == '-') {
          ++steps;
        }
        ++j;
      }
      if (j - line_start > 512 || steps > k_max_depth) {
        throw InputError(SourceLocation{file, line, 1},
                         "nesting too deep or line indented too far");
      }
      at_line_start = false;
    }
    if (quote != 0) {
      if (quote == '"' && c == '\\') {
        ++i;
      } else if (c == quote) {
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;
        } else {
          quote = 0;
        }
      }
      continue;
    }
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      while (i + 1 < text.size() && text[i + 1] != '\n') {
        ++i;
      }
      continue;
    }
    const bool token_start = i == 0 || text[i - 1] == ' ' || text[i - 1] == '[' ||
                             text[i - 1] == '{' || text[i - 1] == ',' || text[i - 1] == ':' ||
                             text[i - 1] == '\n' || text[i - 1] == '-';
    if ((c == '"' || c == '\'') && token_start) {
      quote = c;
    } else if (c == '[' || c == '{') {
      if (++flow_depth > k_max_depth) {
        throw InputError(SourceLocation{file, line, static_cast<int>(i - line_start) + 1},
                         fmt::format("nesting deeper than {} levels", k_max_depth));
      }
    } else if ((c == ']' || c == '}') && flow_depth > 0) {
      --flow_depth;
    }
  }
}

// Returns the offset of the first byte that is not part of valid UTF-8, or npos.
size_t find_invalid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    unsigned min = 0;
    unsigned cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = c & 0x07u;
    } else {
      return i;
    }
    if (i + len > s.size()) {
      return i;
    }
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) {
        return i;
      }
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

SourceLocation location_of_offset(std::string_view text, size_t offset, const std::string& file) {
  const TextPosition at = SourceText(text).locate(offset);
  return {file, at.line, at.column};
}

class TreeBuilder : public YAML::EventHandler {
public:
  explicit TreeBuilder(const std::string& file) : m_file(file) {}

  YamlNode take_root() { return std::move(m_root); }
  bool has_root() const { return m_has_root; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    refuse_anchor(mark, anchor);
    YamlNode node;
    place(node, mark);
    add(std::move(node));
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override {
    fail(mark, "YAML aliases are not allowed");
  }

  void OnAnchor(const YAML::Mark& mark, const std::string&) override {
    fail(mark, "YAML anchors are not allowed");
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    refuse_anchor(mark, anchor);
    refuse_tag(mark, tag, true);
    YamlNode node;
    place(node, mark);
    node.quoted = tag == "!";
    if (!node.quoted && (value == "null" || value == "Null" || value == "NULL" || value == "~")) {
      node.kind = YamlNode::Kind::null;
    } else {
      node.kind = YamlNode::Kind::scalar;
      node.scalar = with_utf8_escapes(value);
    }
    add(std::move(node));
  }

  // yaml-cpp writes the escapes \N (U+0085) and \_ (U+00A0, a no-break space) as the one byte
  // 0x85 or 0xA0, which is not UTF-8 (it encodes every other escape: jbeder/yaml-cpp#803, open
  // since 2020); such a value broke JSON output and records. The file is checked to be UTF-8
  // before it is parsed, so a byte that starts no UTF-8 character in a value can only come from
  // those escapes.
  static std::string with_utf8_escapes(const std::string& value) {
    std::string out;
    size_t from = 0;
    for (size_t bad = find_invalid_utf8(value); bad != std::string::npos;
         bad = find_invalid_utf8(std::string_view(value).substr(from))) {
      bad += from;
      const auto byte = static_cast<unsigned char>(value[bad]);
      out.append(value, from, bad - from);
      if (byte == 0x85 || byte == 0xA0) out += '\xC2';
      out += value[bad];
      from = bad + 1;
    }
    if (from == 0) return value;
    out.append(value, from);
    return out;
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, YamlNode::Kind::sequence);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, anchor, YamlNode::Kind::mapping);
  }
  void OnMapEnd() override { close(); }

private:
  struct Frame {
    YamlNode node;
    bool have_key = false;
    YamlNode key;
    // A mapping's keys (and their lines) once it is too big to search: duplicates are found
    // in linear time whatever the size.
    std::unordered_map<std::string, int> index;
  };

  // Below this many entries a scan is cheaper than hashing.
  static constexpr size_t k_index_from = 16;

  // The line of an earlier entry with `key` in `frame`'s mapping, or 0.
  static int earlier_key_line(Frame& frame, const std::string& key) {
    auto& entries = frame.node.entries;
    if (entries.size() < k_index_from) {
      for (const auto& [k, v] : entries) {
        if (k.scalar == key) return k.line;
      }
      return 0;
    }
    if (frame.index.empty()) {
      for (const auto& [k, v] : entries) frame.index.emplace(k.scalar, k.line);
    }
    const auto it = frame.index.find(key);
    return it == frame.index.end() ? 0 : it->second;
  }

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& message) const {
    throw InputError(SourceLocation{m_file, mark.line + 1, mark.column + 1}, message);
  }

  void refuse_anchor(const YAML::Mark& mark, YAML::anchor_t anchor) const {
    if (anchor != YAML::NullAnchor) {
      fail(mark, "YAML anchors are not allowed");
    }
  }

  void refuse_tag(const YAML::Mark& mark, const std::string& tag, bool scalar) const {
    if (tag.empty() || tag == "?" || (scalar && tag == "!")) {
      return;
    }
    fail(mark, fmt::format("YAML tags are not allowed ('{}')", tag));
  }

  static void place(YamlNode& node, const YAML::Mark& mark) {
    node.line = mark.line + 1;
    node.column = mark.column + 1;
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
            YamlNode::Kind kind) {
    refuse_anchor(mark, anchor);
    refuse_tag(mark, tag, false);
    if (m_stack.size() >= static_cast<size_t>(k_max_depth)) {
      fail(mark, fmt::format("nesting deeper than {} levels", k_max_depth));
    }
    Frame frame;
    frame.node.kind = kind;
    place(frame.node, mark);
    m_stack.push_back(std::move(frame));
  }

  void close() {
    YamlNode node = std::move(m_stack.back().node);
    m_stack.pop_back();
    add(std::move(node));
  }

  void add(YamlNode node) {
    if (m_stack.empty()) {
      if (m_has_root) {
        throw InputError(SourceLocation{m_file, node.line, node.column},
                         "more than one YAML document");
      }
      m_root = std::move(node);
      m_has_root = true;
      return;
    }
    Frame& top = m_stack.back();
    if (top.node.kind == YamlNode::Kind::sequence) {
      top.node.items.push_back(std::move(node));
      return;
    }
    if (!top.have_key) {
      if (!node.is_scalar()) {
        throw InputError(SourceLocation{m_file, node.line, node.column},
                         "mapping keys must be plain strings");
      }
      if (node.scalar == "<<" && !node.quoted) {
        throw InputError(SourceLocation{m_file, node.line, node.column},
                         "YAML merge keys ('<<') are not allowed");
      }
      if (const int first = earlier_key_line(top, node.scalar); first != 0) {
        throw InputError(SourceLocation{m_file, node.line, node.column},
                         fmt::format("duplicate key '{}' (first at line {})", node.scalar, first));
      }
      if (top.node.entries.size() >= k_max_mapping_keys) {
        throw InputError(SourceLocation{m_file, node.line, node.column},
                         fmt::format("more than {} keys in one mapping", k_max_mapping_keys));
      }
      top.key = std::move(node);
      top.have_key = true;
      return;
    }
    if (!top.index.empty()) {
      top.index.emplace(top.key.scalar, top.key.line);
    }
    top.node.entries.emplace_back(std::move(top.key), std::move(node));
    top.have_key = false;
  }

  const std::string& m_file;
  std::vector<Frame> m_stack;
  YamlNode m_root;
  bool m_has_root = false;
};

// JSON is YAML 1.2, but yaml-cpp refuses JSON's escapes for a character beyond U+FFFF (the
// surrogate pair "\ud83d\ude00", as Python's json.dump writes an emoji): a valid JSON answers
// file was refused. A document that is JSON is therefore read by simdjson and fed, as events,
// to the same tree builder: one tree, one set of checks (duplicates, depth, key counts).
class JsonEvents {
public:
  JsonEvents(const simdjson::padded_string& json, TreeBuilder& builder)
      : m_base(json.data()), m_source(std::string_view(json.data(), json.size())),
        m_builder(builder) {}

  // False when the text is not one JSON value (a YAML flow mapping, say): read it as YAML.
  bool read(simdjson::ondemand::document& doc) {
    simdjson::ondemand::value root;
    if (doc.get_value().get(root) != simdjson::SUCCESS || !walk(root)) return false;
    const char* rest = nullptr;
    return doc.current_location().get(rest) != simdjson::SUCCESS; // nothing after the value
  }

private:
  // A position as yaml-cpp gives it (0-based), so the tree builder places nodes alike.
  YAML::Mark mark_at(const char* at) const {
    const auto offset = static_cast<size_t>(at - m_base);
    const TextPosition position = m_source.locate(offset);
    YAML::Mark mark;
    mark.pos = static_cast<int>(offset);
    mark.line = position.line - 1;
    mark.column = position.column - 1;
    return mark;
  }

  bool walk(simdjson::ondemand::value value) {
    namespace sj = simdjson::ondemand;
    const YAML::Mark mark = mark_at(value.raw_json_token().data());
    sj::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS) return false;
    switch (type) {
    case sj::json_type::object: {
      sj::object object;
      if (value.get_object().get(object) != simdjson::SUCCESS) return false;
      m_builder.OnMapStart(mark, "?", YAML::NullAnchor, YAML::EmitterStyle::Flow);
      for (auto field : object) {
        sj::raw_json_string raw_key;
        std::string_view key;
        sj::value item;
        if (field.key().get(raw_key) != simdjson::SUCCESS ||
            field.unescaped_key().get(key) != simdjson::SUCCESS ||
            field.value().get(item) != simdjson::SUCCESS) {
          return false;
        }
        m_builder.OnScalar(mark_at(raw_key.raw() - 1), "!", YAML::NullAnchor, std::string(key));
        if (!walk(item)) return false;
      }
      m_builder.OnMapEnd();
      return true;
    }
    case sj::json_type::array: {
      sj::array array;
      if (value.get_array().get(array) != simdjson::SUCCESS) return false;
      m_builder.OnSequenceStart(mark, "?", YAML::NullAnchor, YAML::EmitterStyle::Flow);
      for (auto element : array) {
        sj::value item;
        if (element.get(item) != simdjson::SUCCESS || !walk(item)) return false;
      }
      m_builder.OnSequenceEnd();
      return true;
    }
    case sj::json_type::string: {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) return false;
      m_builder.OnScalar(mark, "!", YAML::NullAnchor, std::string(text));
      return true;
    }
    case sj::json_type::number: {
      // The number as written (a plain scalar, as YAML reads it): its range is for the
      // answer validators to judge, as for YAML.
      const std::optional<std::string_view> number = json_number_text(value.raw_json_token());
      if (!number) return false;
      m_builder.OnScalar(mark, "?", YAML::NullAnchor, std::string(*number));
      return true;
    }
    case sj::json_type::boolean: {
      bool b = false;
      if (value.get_bool().get(b) != simdjson::SUCCESS) return false;
      m_builder.OnScalar(mark, "?", YAML::NullAnchor, b ? "true" : "false");
      return true;
    }
    case sj::json_type::null: {
      bool is_null = false;
      if (value.is_null().get(is_null) != simdjson::SUCCESS || !is_null) return false;
      m_builder.OnNull(mark, YAML::NullAnchor);
      return true;
    }
    }
    return false;
  }

  const char* m_base;
  SourceText m_source;
  TreeBuilder& m_builder;
};

// The tree of `text` when it is one JSON object or array, else nullopt.
std::optional<YamlNode> read_json_document(const std::string& text, const std::string& file) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos || (text[first] != '{' && text[first] != '[')) {
    return std::nullopt;
  }
  const simdjson::padded_string json(text);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  if (parser.iterate(json).get(doc) != simdjson::SUCCESS) return std::nullopt;
  TreeBuilder builder(file);
  JsonEvents events(json, builder);
  if (!events.read(doc) || !builder.has_root()) return std::nullopt;
  return builder.take_root();
}

// yaml-cpp spends about a millisecond on a 600-byte answers file (most of what `decide` adds
// to the process floor). This reads the common plain form of such a file, a block mapping of
// `key: value` lines whose values are plain or simply quoted scalars, one-line flow mappings or
// lists of them, and feeds the same events to the same tree builder, with the positions
// yaml-cpp gives. Anything else (or anything it doubts) returns nullopt and yaml-cpp reads it;
// a test compares the two trees on every YAML file of the project and on generated variations.
class PlainBlockYaml {
public:
  PlainBlockYaml(std::string_view text, TreeBuilder& builder) : m_text(text), m_builder(builder) {}

  bool read() {
    for (const char c : m_text) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x80 || c == '\t' || c == '\r' || c == '\\' || c == '&' || c == '*' || c == '!' ||
          c == '|' || c == '>' || c == '%' || c == '@' || c == '`' || c == '?' || c == '[' ||
          c == ']') {
        return false;
      }
    }
    skip_blank_lines();
    if (at_end() || line_indent() != 0 || !mapping(0)) {
      return false;
    }
    skip_blank_lines();
    return at_end();
  }

private:
  bool at_end() const { return m_pos >= m_text.size(); }
  char peek(size_t ahead = 0) const {
    return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : '\n';
  }

  YAML::Mark mark() const {
    YAML::Mark mark;
    mark.pos = static_cast<int>(m_pos);
    mark.line = m_line;
    mark.column = static_cast<int>(m_pos - m_line_start);
    return mark;
  }

  // Spaces at the start of the current line; m_pos must be at the line's start.
  size_t line_indent() const {
    size_t n = 0;
    while (m_pos + n < m_text.size() && m_text[m_pos + n] == ' ') {
      ++n;
    }
    return n;
  }

  void next_line() {
    while (!at_end() && m_text[m_pos] != '\n') {
      ++m_pos;
    }
    if (!at_end()) {
      ++m_pos;
      ++m_line;
      m_line_start = m_pos;
    }
  }

  // Skips lines that are empty, blank or only a comment; stops at the start of a line.
  void skip_blank_lines() {
    while (!at_end()) {
      const size_t n = line_indent();
      const char c = m_pos + n < m_text.size() ? m_text[m_pos + n] : '\n';
      if (c != '\n' && c != '#') {
        return;
      }
      next_line();
    }
  }

  // After a value: spaces, then a comment or the end of the line.
  bool end_of_line() {
    while (peek() == ' ') {
      ++m_pos;
    }
    if (peek() == '#' && m_text[m_pos - 1] == ' ') {
      next_line();
      return true;
    }
    if (peek() != '\n') {
      return false;
    }
    next_line();
    return true;
  }

  static bool plain_start(char c, char next) {
    if (c == '-') {
      return next >= '0' && next <= '9';
    }
    return std::string_view("?:,[]{}#&*!|>'\"%@` \n").find(c) == std::string_view::npos;
  }

  // A scalar on one line: double- or single-quoted without escapes, or plain. In flow context
  // a plain scalar also ends at ',' and '}'.
  bool scalar(bool flow, bool key) {
    const YAML::Mark at = mark();
    const char c = peek();
    if (c == '"' || c == '\'') {
      if (key) {
        return false;
      }
      const size_t close =
          m_text.find_first_of(std::string_view(c == '"' ? "\"\n" : "'\n"), m_pos + 1);
      if (close == std::string_view::npos || m_text[close] != c || peek(close + 1 - m_pos) == c) {
        return false;
      }
      m_builder.OnScalar(at, "!", YAML::NullAnchor,
                         std::string(m_text.substr(m_pos + 1, close - m_pos - 1)));
      m_pos = close + 1;
      return true;
    }
    if (!plain_start(c, peek(1))) {
      return false;
    }
    const size_t start = m_pos;
    size_t end = m_pos;
    for (;;) {
      const char d = peek();
      if (d == '\n' || (d == '#' && m_text[m_pos - 1] == ' ')) {
        break;
      }
      if (d == '"' || d == '\'' || d == '{' || d == '}' || d == ',' || d == '#') {
        if (!flow || (d != ',' && d != '}')) {
          return false;
        }
        break;
      }
      if (d == ':') {
        const char e = peek(1);
        if (e == ' ' || e == '\n' || (flow && (e == ',' || e == '}'))) {
          if (!key) {
            return false;
          }
          break;
        }
        return false;
      }
      ++m_pos;
      if (d != ' ') {
        end = m_pos;
      }
    }
    if (key && peek() != ':') {
      return false;
    }
    m_builder.OnScalar(at, "?", YAML::NullAnchor, std::string(m_text.substr(start, end - start)));
    m_pos = end;
    return true;
  }

  // `{key: value, ...}` on one line, of scalars.
  bool flow_mapping() {
    m_builder.OnMapStart(mark(), "?", YAML::NullAnchor, YAML::EmitterStyle::Flow);
    ++m_pos;
    for (;;) {
      while (peek() == ' ') {
        ++m_pos;
      }
      if (!scalar(true, true) || peek() != ':' || peek(1) != ' ') {
        return false;
      }
      m_pos += 2;
      while (peek() == ' ') {
        ++m_pos;
      }
      if (!scalar(true, false)) {
        return false;
      }
      while (peek() == ' ') {
        ++m_pos;
      }
      if (peek() == '}') {
        ++m_pos;
        m_builder.OnMapEnd();
        return true;
      }
      if (peek() != ',') {
        return false;
      }
      ++m_pos;
    }
  }

  bool inline_value() {
    if (peek() == '{') {
      return flow_mapping() && end_of_line();
    }
    return scalar(false, false) && end_of_line();
  }

  // Lines `- value` at `indent`.
  bool sequence(size_t indent) {
    m_builder.OnSequenceStart(mark_at_indent(indent), "?", YAML::NullAnchor,
                              YAML::EmitterStyle::Block);
    for (;;) {
      m_pos += indent;
      if (peek() != '-' || peek(1) != ' ') {
        return false;
      }
      m_pos += 2;
      while (peek() == ' ') {
        ++m_pos;
      }
      if (!inline_value()) {
        return false;
      }
      bool more = false;
      if (!next_entry(indent, more)) {
        return false;
      }
      if (!more) {
        break;
      }
    }
    m_builder.OnSequenceEnd();
    return true;
  }

  // After an entry of a block at `indent`: `more` when the next line is another entry; false
  // when that line is indented in a way this reader leaves to yaml-cpp.
  bool next_entry(size_t indent, bool& more) {
    skip_blank_lines();
    more = !at_end() && line_indent() >= indent;
    return !more || line_indent() == indent;
  }

  YAML::Mark mark_at_indent(size_t indent) const {
    YAML::Mark at = mark();
    at.pos += static_cast<int>(indent);
    at.column += static_cast<int>(indent);
    return at;
  }

  // Lines `key: value` at `indent`; a value on the lines below is a list (`- ` at the same
  // indent or deeper) or a mapping indented deeper.
  bool mapping(size_t indent) {
    m_builder.OnMapStart(mark_at_indent(indent), "?", YAML::NullAnchor, YAML::EmitterStyle::Block);
    for (;;) {
      m_pos += indent;
      if (!scalar(false, true) || peek() != ':') {
        return false;
      }
      ++m_pos;
      if (peek() == ' ' && (peek(1) != '\n' && peek(1) != '#' && peek(1) != ' ')) {
        ++m_pos;
        if (!inline_value()) {
          return false;
        }
      } else {
        if (!end_of_line()) {
          return false;
        }
        skip_blank_lines();
        if (at_end()) {
          return false;
        }
        const size_t inner = line_indent();
        if (peek(inner) == '-' && inner >= indent) {
          if (!sequence(inner)) {
            return false;
          }
        } else if (inner > indent) {
          if (!mapping(inner)) {
            return false;
          }
        } else {
          return false; // an empty value: yaml-cpp places its null
        }
      }
      bool more = false;
      if (!next_entry(indent, more)) {
        return false;
      }
      if (!more) {
        break;
      }
    }
    m_builder.OnMapEnd();
    return true;
  }

  std::string_view m_text;
  TreeBuilder& m_builder;
  size_t m_pos = 0;
  int m_line = 0;
  size_t m_line_start = 0;
};

// The tree of `text` when PlainBlockYaml can read it, else nullopt.
std::optional<YamlNode> read_plain_block_yaml(std::string_view text, const std::string& file) {
  TreeBuilder builder(file);
  try {
    PlainBlockYaml reader(text, builder);
    if (!reader.read() || !builder.has_root()) {
      return std::nullopt;
    }
  } catch (const InputError&) {
    return std::nullopt; // yaml-cpp words the error
  }
  return builder.take_root();
}

} // namespace

YamlNode::YamlNode() = default;
YamlNode::YamlNode(const YamlNode&) = default;
YamlNode::YamlNode(YamlNode&&) noexcept = default;
YamlNode& YamlNode::operator=(const YamlNode&) = default;
YamlNode& YamlNode::operator=(YamlNode&&) noexcept = default;
YamlNode::~YamlNode() = default;

const YamlNode* YamlNode::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.scalar == key) {
      return &v;
    }
  }
  return nullptr;
}

const char* YamlNode::kind_name() const {
  switch (kind) {
  case Kind::null: return "nothing";
  case Kind::scalar: return "a scalar";
  case Kind::sequence: return "a list";
  case Kind::mapping: return "a mapping";
  }
  return "?";
}

YamlDocument parse_yaml(std::string text, const std::string& display_name, bool fast) {
  if (text.size() > k_max_text) {
    throw InputError(SourceLocation{display_name, 0, 0},
                     fmt::format("file larger than {} MiB", k_max_text >> 20));
  }
  // Windows editors save UTF-16 with a byte order mark (FF FE or FE FF): say so, not only where
  // UTF-8 breaks. UTF-16 text without one breaks at a NUL in its first two bytes.
  const bool utf16 = text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF") ||
                     (text.size() >= 2 && (text[0] == '\0') != (text[1] == '\0'));
  const std::string_view hint = utf16 ? " (the file is UTF-16: save it as UTF-8)" : "";
  if (size_t bad = find_invalid_utf8(text); bad != std::string_view::npos) {
    throw InputError(location_of_offset(text, bad, display_name),
                     fmt::format("invalid UTF-8{}", hint));
  }
  if (size_t nul = text.find('\0'); nul != std::string::npos) {
    throw InputError(location_of_offset(text, nul, display_name),
                     fmt::format("NUL byte in text{}", hint));
  }
  check_nesting(text, display_name);

  YamlDocument doc;
  doc.file = std::make_shared<const std::string>(display_name);
  doc.text = std::make_shared<const std::string>(std::move(text));
  if (std::optional<YamlNode> json = read_json_document(*doc.text, *doc.file)) {
    doc.root = std::move(*json);
    return doc;
  }
  if (fast) {
    if (std::optional<YamlNode> plain = read_plain_block_yaml(*doc.text, *doc.file)) {
      doc.root = std::move(*plain);
      return doc;
    }
  }
  std::istringstream in(*doc.text);
  TreeBuilder builder(*doc.file);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {}
  } catch (const YAML::Exception& e) {
    // yaml-cpp reports some errors with a null mark (-1); point at the start then.
    throw InputError(SourceLocation{display_name, std::max(e.mark.line, 0) + 1,
                                    std::max(e.mark.column, 0) + 1},
                     e.msg);
  }
  if (builder.has_root()) {
    doc.root = builder.take_root();
  } else {
    doc.root.line = 1;
    doc.root.column = 1;
  }
  return doc;
}

namespace {

// Version 2 keeps each scalar as a place in the policy text where the text has it verbatim
// (most of them): the entry is then a third of the tree's size, and so is the HMAC the
// front-end checks over it, which was most of what a cached `decide` spent on the cache.
// Version 3: the escapes \N and \_ are UTF-8 in the tree (a tree of version 2 may hold them
// as single bytes), so trees cached before are parsed afresh.
constexpr std::string_view k_tree_magic = "DVYT\x03";
constexpr size_t k_max_tree_nodes = 1u << 20;

// Node header byte: kind (bits 0-1), quoted (bit 2), how the scalar is kept (bits 3-4).
enum class ScalarForm : unsigned char { empty = 0, in_text = 1, literal = 2 };

void put_varint(std::string& out, size_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

class TreeEncoder {
public:
  TreeEncoder(std::string& out, std::string_view text) : m_out(out), m_source(text) {}

  void node(const YamlNode& node) {
    const std::string_view text = m_source.text();
    ScalarForm form = ScalarForm::literal;
    size_t at = 0;
    if (node.scalar.empty()) {
      form = ScalarForm::empty;
    } else {
      // A plain scalar starts at its node; a quoted one just after its quote.
      const size_t start = m_source.offset(TextPosition{node.line, node.column});
      for (const size_t candidate : {start, start + 1}) {
        if (candidate <= text.size() && text.substr(candidate, node.scalar.size()) == node.scalar) {
          form = ScalarForm::in_text;
          at = candidate;
          break;
        }
      }
    }
    m_out += static_cast<char>(static_cast<unsigned char>(node.kind) | (node.quoted ? 4 : 0) |
                               static_cast<unsigned char>(form) << 3);
    put_varint(m_out, static_cast<size_t>(node.line));
    put_varint(m_out, static_cast<size_t>(node.column));
    if (form == ScalarForm::in_text) {
      put_varint(m_out, at);
      put_varint(m_out, node.scalar.size());
    } else if (form == ScalarForm::literal) {
      put_varint(m_out, node.scalar.size());
      m_out += node.scalar;
    }
    if (node.is_sequence()) {
      put_varint(m_out, node.items.size());
      for (const YamlNode& item : node.items) this->node(item);
    } else if (node.is_mapping()) {
      put_varint(m_out, node.entries.size());
      for (const auto& [key, value] : node.entries) {
        this->node(key);
        this->node(value);
      }
    }
  }

private:
  std::string& m_out;
  SourceText m_source;
};

class TreeDecoder {
public:
  TreeDecoder(std::string_view bytes, std::string_view text) : m_bytes(bytes), m_text(text) {}

  bool node(YamlNode& out, int depth) {
    if (depth > k_max_depth || ++m_nodes > k_max_tree_nodes || m_at >= m_bytes.size()) {
      return false;
    }
    const auto header = static_cast<unsigned char>(m_bytes[m_at++]);
    const unsigned kind = header & 3u;
    const unsigned form = header >> 3;
    if (form > static_cast<unsigned>(ScalarForm::literal)) {
      return false;
    }
    out.kind = static_cast<YamlNode::Kind>(kind);
    out.quoted = (header & 4u) != 0;
    uint32_t line = 0, column = 0;
    if (!varint(line) || !varint(column) || line > (1u << 30) || column > (1u << 30)) {
      return false;
    }
    out.line = static_cast<int>(line);
    out.column = static_cast<int>(column);
    if (form == static_cast<unsigned>(ScalarForm::in_text)) {
      uint32_t at = 0, length = 0;
      if (!varint(at) || !varint(length) || at > m_text.size() || length > m_text.size() - at) {
        return false;
      }
      out.scalar.assign(m_text.substr(at, length));
    } else if (form == static_cast<unsigned>(ScalarForm::literal)) {
      uint32_t length = 0;
      if (!varint(length) || length > m_bytes.size() - m_at) {
        return false;
      }
      out.scalar.assign(m_bytes.substr(m_at, length));
      m_at += length;
    }
    if (out.is_sequence() || out.is_mapping()) {
      uint32_t count = 0;
      if (!varint(count) || count > m_bytes.size() - m_at) {
        return false;
      }
      if (out.is_sequence()) {
        out.items.resize(count);
        for (YamlNode& item : out.items) {
          if (!node(item, depth + 1)) return false;
        }
      } else {
        out.entries.resize(count);
        for (auto& [key, value] : out.entries) {
          if (!node(key, depth + 1) || !key.is_scalar() || !node(value, depth + 1)) return false;
        }
      }
    }
    return true;
  }

  // At most five bytes, and no value past 32 bits.
  bool varint(uint32_t& value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (m_at >= m_bytes.size()) return false;
      const auto byte = static_cast<unsigned char>(m_bytes[m_at++]);
      result |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) {
        if (result > UINT32_MAX) return false;
        value = static_cast<uint32_t>(result);
        return true;
      }
    }
    return false;
  }

  bool at_end() const { return m_at == m_bytes.size(); }

private:
  std::string_view m_bytes;
  std::string_view m_text;
  size_t m_at = 0;
  size_t m_nodes = 0;
};

} // namespace

std::string encode_yaml_tree(const std::string& sha256, const YamlNode& root,
                             std::string_view text) {
  std::string out(k_tree_magic);
  out += sha256;
  TreeEncoder(out, text).node(root);
  return out;
}

std::optional<YamlNode> decode_yaml_tree(std::string_view bytes, const std::string& sha256,
                                         std::string_view text) {
  const size_t header = k_tree_magic.size() + sha256.size();
  if (bytes.size() < header || bytes.substr(0, k_tree_magic.size()) != k_tree_magic ||
      bytes.substr(k_tree_magic.size(), sha256.size()) != sha256) {
    return std::nullopt;
  }
  TreeDecoder decoder(bytes.substr(header), text);
  YamlNode root;
  if (!decoder.node(root, 0) || !decoder.at_end()) {
    return std::nullopt;
  }
  return root;
}

YamlNode parse_yaml_value(std::string_view text, const std::string& display_name) {
  return parse_yaml(std::string(text), display_name).root;
}

namespace {

void collect_unprintable(const YamlDocument& doc, const YamlNode& node,
                         std::optional<SourceText>& source, size_t limit,
                         std::vector<Diagnostic>& out) {
  if (out.size() >= limit) {
    return;
  }
  if (node.is_scalar()) {
    const std::optional<Unprintable> found = find_unprintable(node.scalar);
    if (!found) {
      return;
    }
    SourceLocation where = doc.where(node);
    if (node.line >= 1 && doc.text) {
      if (!source) source.emplace(*doc.text); // indexed only when there is something to locate
      const TextPosition at =
          source->locate_in_scalar({node.line, node.column}, node.scalar, found->offset);
      where.line = at.line;
      where.column = at.column;
    }
    const auto cp = static_cast<unsigned>(found->code_point);
    out.emplace_back(std::move(where), Severity::error,
                     fmt::format("the text holds U+{:04X}, {}: it must be plain printable text", cp,
                                 cp >= 0x202A
                                     ? "a bidirectional control that can show words in another "
                                       "order than they are read"
                                     : "a control character that a terminal would act on instead "
                                       "of showing"));
    return;
  }
  for (const YamlNode& item : node.items) {
    collect_unprintable(doc, item, source, limit, out);
  }
  for (const auto& [key, value] : node.entries) {
    collect_unprintable(doc, key, source, limit, out);
    collect_unprintable(doc, value, source, limit, out);
  }
}

} // namespace

std::vector<Diagnostic> find_unprintable_text(const YamlDocument& doc, size_t limit) {
  std::vector<Diagnostic> out;
  std::optional<SourceText> source;
  collect_unprintable(doc, doc.root, source, limit, out);
  return out;
}

} // namespace divert
