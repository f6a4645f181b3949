// SPDX-License-Identifier: Apache-2.0
#include "core/policy/policy_loader.hpp"

#include "core/base/source_text.hpp"
#include "core/base/text_util.hpp"
#include "core/base/yaml_doc.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

namespace divert {

const char* question_type_name(QuestionType type) {
  switch (type) {
  case QuestionType::boolean: return "bool";
  case QuestionType::choice: return "choice";
  case QuestionType::number: return "number";
  case QuestionType::integer: return "integer";
  case QuestionType::date: return "date";
  case QuestionType::convictions: return "convictions";
  case QuestionType::text: return "text";
  }
  return "?";
}

const char* effect_name(Effect effect) {
  switch (effect) {
  case Effect::require: return "require";
  case Effect::exclude: return "exclude";
  case Effect::approval: return "approval";
  case Effect::notice: return "notice";
  }
  return "?";
}

const char* basis_name(Basis basis) {
  switch (basis) {
  case Basis::unstated: return "";
  case Basis::published: return "published";
  case Basis::reported: return "reported";
  case Basis::assumed: return "assumed";
  }
  return "";
}

const char* status_name(PolicyStatus status) {
  switch (status) {
  case PolicyStatus::adopted: return "adopted";
  case PolicyStatus::model: return "model";
  case PolicyStatus::draft: return "draft";
  }
  return "?";
}

namespace {

// Every choice answer of every batch case is looked up here, among a handful of codes: the
// length and the first byte rule out nearly every code before a full comparison.
int code_index(const std::vector<ChoiceValue>& values, std::string_view code) {
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string& candidate = values[i].code;
    if (candidate.size() == code.size() && (code.empty() || candidate[0] == code[0]) &&
        candidate == code) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

} // namespace

int Question::value_index(std::string_view code) const { return code_index(values, code); }

int Question::category_index(std::string_view code) const { return code_index(categories, code); }

int Policy::question_index(std::string_view wanted) const {
  for (size_t i = 0; i < questions.size(); ++i) {
    if (questions[i].id == wanted) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

const Question* Policy::question(std::string_view wanted) const {
  const int i = question_index(wanted);
  return i < 0 ? nullptr : &questions[static_cast<size_t>(i)];
}

namespace {

constexpr int k_max_layers = 16;
// Ids go into file names, record fields and messages; beyond this they are a mistake.
constexpr size_t k_max_id_length = 80;

bool is_kebab_id(std::string_view s) {
  if (s.empty() || s.size() > k_max_id_length || !(s[0] >= 'a' && s[0] <= 'z')) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool is_snake_id(std::string_view s) {
  if (s.empty() || s.size() > k_max_id_length || !(s[0] >= 'a' && s[0] <= 'z')) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool same_sources(const std::vector<Source>& a, const std::vector<Source>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Source& x, const Source& y) {
    return x.title == y.title && x.url == y.url;
  });
}

// A text's line index, made when a location in it is first asked for: only a condition with
// an error or a finding needs one, and indexing every layer cost decide a noticeable part of
// its run.
struct LazySourceText {
  explicit LazySourceText(std::shared_ptr<const std::string> source) : text(std::move(source)) {}
  const SourceText& get() {
    if (!index) index.emplace(*text);
    return *index;
  }
  std::shared_ptr<const std::string> text; // kept alive: the index views it
  std::optional<SourceText> index;
};

class Loader {
public:
  Loader(const PolicyResolver& resolve, LoadNotes& notes) : m_resolve(resolve), m_notes(notes) {}

  Policy load(const PolicyText& top) {
    Policy policy;
    load_layer(top, policy, 0);
    if (m_errors.empty()) {
      finish(policy);
    }
    if (!m_errors.empty()) {
      throw InputError(std::move(m_errors));
    }
    return policy;
  }

private:
  // Maps a byte offset in a condition's text to its place in the file, so that type errors
  // point at the exact line and column, also in conditions folded over several lines.
  using Locator = std::function<SourceLocation(int)>;

  Locator expression_locator(const YamlDocument& doc, const YamlNode& node) {
    if (m_source == nullptr || m_source->text != doc.text) {
      m_source = std::make_shared<LazySourceText>(doc.text);
    }
    return [source = m_source, file = *doc.file, start = TextPosition{node.line, node.column},
            value = node.scalar](int offset) {
      if (start.line < 1) {
        return SourceLocation{file, start.line, start.column};
      }
      const TextPosition at =
          source->get().locate_in_scalar(start, value, static_cast<size_t>(std::max(offset, 0)));
      return SourceLocation{file, at.line, at.column};
    };
  }

  // ---- diagnostics ----

  void error(const SourceLocation& where, std::string message, std::string code = {}) {
    if (m_errors.size() < 200) {
      m_errors.push_back(
          Diagnostic{where, Severity::error, std::move(message), {}, std::move(code)});
    }
  }
  void error(const YamlDocument& doc, const YamlNode& node, std::string message) {
    error(doc.where(node), std::move(message));
  }
  void finding(const SourceLocation& where, Severity severity, std::string message,
               std::string check) {
    m_notes.findings.push_back(Diagnostic{where, severity, std::move(message), std::move(check)});
  }

  // ---- typed accessors: each reports a located error and returns a fallback ----

  std::optional<std::string> text_of(const YamlDocument& doc, const YamlNode& node,
                                     std::string_view field) {
    if (!node.is_scalar()) {
      error(doc, node, fmt::format("'{}' must be text, not {}", field, node.kind_name()));
      return std::nullopt;
    }
    return node.scalar;
  }

  std::optional<bool> bool_of(const YamlDocument& doc, const YamlNode& node,
                              std::string_view field) {
    if (node.is_scalar() && !node.quoted && (node.scalar == "true" || node.scalar == "false")) {
      return node.scalar == "true";
    }
    error(doc, node, fmt::format("'{}' must be true or false", field));
    return std::nullopt;
  }

  std::optional<double> number_of(const YamlDocument& doc, const YamlNode& node,
                                  std::string_view field) {
    double value = 0;
    if (node.is_scalar() && !node.quoted) {
      const std::string& s = node.scalar;
      const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
      if (ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(value) &&
          std::abs(value) <= 1e12) {
        return value;
      }
    }
    error(doc, node, fmt::format("'{}' must be a number", field));
    return std::nullopt;
  }

  std::optional<Days> date_of(const YamlDocument& doc, const YamlNode& node,
                              std::string_view field) {
    if (node.is_scalar()) {
      if (auto d = parse_date(node.scalar)) {
        return d;
      }
    }
    error(doc, node, fmt::format("'{}' must be a calendar date YYYY-MM-DD", field));
    return std::nullopt;
  }

  std::vector<std::string> list_of_text(const YamlDocument& doc, const YamlNode& node,
                                        std::string_view field) {
    std::vector<std::string> out;
    if (!node.is_sequence()) {
      error(doc, node, fmt::format("'{}' must be a list", field));
      return out;
    }
    for (const YamlNode& item : node.items) {
      if (auto s = text_of(doc, item, field)) {
        out.push_back(*s);
      }
    }
    return out;
  }

  bool check_keys(const YamlDocument& doc, const YamlNode& map, std::string_view what,
                  const std::vector<std::string>& allowed) {
    if (!map.is_mapping()) {
      error(doc, map, fmt::format("{} must be a mapping, not {}", what, map.kind_name()));
      return false;
    }
    for (const auto& [key, value] : map.entries) {
      if (std::find(allowed.begin(), allowed.end(), key.scalar) == allowed.end()) {
        error(doc, key,
              fmt::format("unknown key '{}' in {}{}", key.scalar, what,
                          did_you_mean(key.scalar, allowed)));
      }
    }
    return true;
  }

  const YamlNode* required(const YamlDocument& doc, const YamlNode& map, std::string_view key,
                           std::string_view what) {
    const YamlNode* node = map.find(key);
    if (node == nullptr || node->is_null()) {
      error(doc, map, fmt::format("{} needs '{}'", what, key));
      return nullptr;
    }
    return node;
  }

  // ---- layers ----

  void load_layer(const PolicyText& text, Policy& policy, int depth) {
    YamlDocument doc;
    const std::string sha = sha256_hex(text.text);
    std::optional<YamlNode> cached = text.cache ? text.cache->find(sha, text.text) : std::nullopt;
    if (cached) {
      doc.file = std::make_shared<const std::string>(text.display_name);
      doc.text = std::make_shared<const std::string>(text.text);
      doc.root = std::move(*cached);
    } else {
      try {
        doc = parse_yaml(text.text, text.display_name);
      } catch (const InputError& e) {
        for (const Diagnostic& d : e.diagnostics()) {
          error(d.where, d.message);
        }
        return;
      }
      if (text.cache) {
        text.cache->store(sha, doc.root, text.text);
      }
    }
    const YamlNode& root = doc.root;
    static const std::vector<std::string> k_top_keys =
        {"format",    "id",        "title",    "version", "status",    "abstract",      "extends",
         "effective", "review_by", "expires",  "until",   "summary",   "sources",       "agencies",
         "providers", "intake",    "pathways", "record",  "questions", "choice_values", "derived",
         "rules"};
    // A file that is not a policy at all (a mistyped or hostile 'extends: /etc/shadow') is
    // named, never quoted: its content may be a secret.
    if (root.is_mapping() && root.find("format") == nullptr) {
      error(doc, root, "not a divert policy: it has no 'format' key (its content is not shown)");
      return;
    }
    if (!check_keys(doc, root, "a policy", k_top_keys)) {
      return;
    }
    if (const YamlNode* f = required(doc, root, "format", "a policy")) {
      if (!(f->is_scalar() && f->scalar == "1")) {
        error(doc, *f, "unsupported policy format (this divert reads format 1)");
      }
    }
    // Shown on officers' terminals and in the board's documents: plain printable text only.
    for (const Diagnostic& d : find_unprintable_text(doc)) {
      error(d.where, d.message);
    }
    std::string id;
    if (const YamlNode* n = required(doc, root, "id", "a policy")) {
      if (auto s = text_of(doc, *n, "id")) {
        id = *s;
        if (!is_kebab_id(id)) {
          error(doc, *n, fmt::format("policy id '{}' must be lower-case kebab-case", id));
        }
      }
    }
    if (std::find(m_chain.begin(), m_chain.end(), id) != m_chain.end()) {
      error(doc, root, fmt::format("'extends' forms a cycle: {} -> {}", join(m_chain, " -> "), id));
      return;
    }
    m_chain.push_back(id);

    if (const YamlNode* base = root.find("extends"); base != nullptr && !base->is_null()) {
      if (auto ref = text_of(doc, *base, "extends")) {
        if (depth >= k_max_layers) {
          error(doc, *base, "too many layers of 'extends'");
          return;
        }
        std::optional<PolicyText> base_text = m_resolve(*ref, text.directory);
        if (!base_text) {
          error(doc, *base,
                fmt::format("cannot find base policy '{}' (looked beside this file "
                            "and on the policy path)",
                            *ref));
          return;
        }
        const size_t before = m_errors.size();
        load_layer(*base_text, policy, depth + 1);
        if (m_errors.size() != before) {
          return;
        }
      }
    }
    apply_layer(doc, id, sha, policy);
    policy.layers.back().signed_by = text.signed_by;
  }

  void apply_layer(const YamlDocument& doc, const std::string& id, const std::string& sha,
                   Policy& policy) {
    const YamlNode& root = doc.root;
    const std::string what = "a policy";
    policy.id = id;
    policy.where = doc.where(root);
    if (const YamlNode* n = required(doc, root, "title", what)) {
      policy.title = text_of(doc, *n, "title").value_or("");
    }
    if (const YamlNode* n = required(doc, root, "version", what)) {
      policy.version = text_of(doc, *n, "version").value_or("");
    }
    if (const YamlNode* n = required(doc, root, "status", what)) {
      const std::string s = text_of(doc, *n, "status").value_or("");
      if (s == "adopted") policy.status = PolicyStatus::adopted;
      else if (s == "model") policy.status = PolicyStatus::model;
      else if (s == "draft") policy.status = PolicyStatus::draft;
      else error(doc, *n, fmt::format("status '{}' must be adopted, model or draft", s));
    }
    policy.is_abstract = false;
    if (const YamlNode* n = root.find("abstract")) {
      policy.is_abstract = bool_of(doc, *n, "abstract").value_or(false);
    }
    policy.effective.reset();
    policy.review_by.reset();
    policy.expires.reset();
    if (const YamlNode* n = root.find("effective"))
      policy.effective = date_of(doc, *n, "effective");
    if (const YamlNode* n = root.find("review_by"))
      policy.review_by = date_of(doc, *n, "review_by");
    if (const YamlNode* n = root.find("expires")) policy.expires = date_of(doc, *n, "expires");
    policy.until.reset();
    policy.until_reason.clear();
    if (const YamlNode* n = root.find("until")) read_until(doc, *n, policy);
    if (!policy.is_abstract && !policy.effective) {
      error(doc, root, "a policy that decides cases needs 'effective' (the date it applies from)");
    }
    policy.summary.clear();
    if (const YamlNode* n = root.find("summary"))
      policy.summary = text_of(doc, *n, "summary").value_or("");

    if (const YamlNode* n = root.find("sources")) read_sources(doc, *n, policy);
    policy.agencies.clear();
    if (const YamlNode* n = root.find("agencies")) read_agencies(doc, *n, policy);
    policy.providers.clear();
    if (const YamlNode* n = root.find("providers")) read_providers(doc, *n, policy);
    policy.intake_days.reset();
    policy.intake_pathways = {vocabulary::arrest_diversion};
    if (const YamlNode* n = root.find("intake")) read_intake(doc, *n, policy);
    if (const YamlNode* n = root.find("pathways")) {
      policy.pathways = list_of_text(doc, *n, "pathways");
      m_pathways_where = doc.where(*n);
    }
    if (const YamlNode* n = root.find("questions")) read_questions(doc, *n, id, policy);
    if (const YamlNode* n = root.find("choice_values")) read_choice_values(doc, *n, policy);
    if (const YamlNode* n = root.find("derived")) read_derived(doc, *n, id, policy);
    if (const YamlNode* n = root.find("record")) {
      for (const YamlNode& item : n->is_sequence() ? n->items : std::vector<YamlNode>{}) {
        auto qid = text_of(doc, item, "record");
        if (!qid) continue;
        const int q = policy.question_index(*qid);
        if (q < 0 || policy.questions[static_cast<size_t>(q)].type != QuestionType::text) {
          error(doc, item, fmt::format("'record' lists text questions; '{}' is not one", *qid));
        } else if (std::find(policy.record_questions.begin(), policy.record_questions.end(), q) ==
                   policy.record_questions.end()) {
          policy.record_questions.push_back(q);
        }
      }
      if (!n->is_sequence()) error(doc, *n, "'record' must be a list of question ids");
    }
    if (const YamlNode* n = root.find("rules")) read_rules(doc, *n, id, policy);

    PolicyLayer layer;
    layer.id = id;
    layer.version = policy.version;
    layer.file = *doc.file;
    layer.sha256 = sha;
    policy.layers.push_back(std::move(layer));
  }

  void read_until(const YamlDocument& doc, const YamlNode& node, Policy& policy) {
    if (!check_keys(doc, node, "'until'", {"date", "reason"})) return;
    if (const YamlNode* n = required(doc, node, "date", "'until'"))
      policy.until = date_of(doc, *n, "date");
    if (const YamlNode* n = required(doc, node, "reason", "'until'")) {
      policy.until_reason = text_of(doc, *n, "reason").value_or("");
    }
  }

  void read_sources(const YamlDocument& doc, const YamlNode& node, Policy& policy) {
    policy.sources = sources_of(doc, node, false);
  }

  // A policy's sources may be plain URLs; a rule's name each document (title and URL).
  std::vector<Source> sources_of(const YamlDocument& doc, const YamlNode& node, bool titled) {
    std::vector<Source> out;
    if (!node.is_sequence()) {
      error(doc, node, "'sources' must be a list");
      return out;
    }
    for (const YamlNode& item : node.items) {
      Source source;
      if (item.is_scalar() && !titled) {
        source.url = item.scalar;
      } else if (check_keys(doc, item, "a source", {"title", "url"})) {
        if (titled) {
          (void)required(doc, item, "title", "a rule's source");
          (void)required(doc, item, "url", "a rule's source");
        }
        if (const YamlNode* t = item.find("title"))
          source.title = text_of(doc, *t, "title").value_or("");
        if (const YamlNode* u = item.find("url")) source.url = text_of(doc, *u, "url").value_or("");
      }
      out.push_back(std::move(source));
    }
    return out;
  }

  void read_agencies(const YamlDocument& doc, const YamlNode& node, Policy& policy) {
    if (!node.is_sequence()) {
      error(doc, node, "'agencies' must be a list");
      return;
    }
    for (const YamlNode& item : node.items) {
      if (!check_keys(doc, item, "an agency", {"code", "name"})) continue;
      Agency agency;
      if (const YamlNode* n = required(doc, item, "name", "an agency"))
        agency.name = text_of(doc, *n, "name").value_or("");
      if (const YamlNode* n = item.find("code"))
        agency.code = text_of(doc, *n, "code").value_or("");
      policy.agencies.push_back(std::move(agency));
    }
  }

  void read_providers(const YamlDocument& doc, const YamlNode& node, Policy& policy) {
    if (!node.is_sequence()) {
      error(doc, node, "'providers' must be a list");
      return;
    }
    for (const YamlNode& item : node.items) {
      if (!check_keys(doc, item, "a provider", {"name", "contact", "pathways"})) continue;
      Provider provider;
      if (const YamlNode* n = required(doc, item, "name", "a provider"))
        provider.name = text_of(doc, *n, "name").value_or("");
      if (const YamlNode* n = required(doc, item, "contact", "a provider"))
        provider.contact = text_of(doc, *n, "contact").value_or("");
      if (const YamlNode* n = item.find("pathways"))
        provider.pathways = list_of_text(doc, *n, "pathways");
      policy.providers.push_back(std::move(provider));
    }
  }

  void read_intake(const YamlDocument& doc, const YamlNode& node, Policy& policy) {
    if (!check_keys(doc, node, "'intake'", {"days", "pathways"})) return;
    if (const YamlNode* n = required(doc, node, "days", "'intake'")) {
      if (auto d = number_of(doc, *n, "days")) {
        if (*d < 0 || *d > 365 || *d != std::floor(*d)) {
          error(doc, *n, "'days' must be a whole number from 0 to 365");
        } else {
          policy.intake_days = static_cast<int>(*d);
        }
      }
    }
    if (const YamlNode* n = node.find("pathways"))
      policy.intake_pathways = list_of_text(doc, *n, "pathways");
  }

  std::vector<ChoiceValue> read_values(const YamlDocument& doc, const YamlNode& node,
                                       std::string_view field) {
    std::vector<ChoiceValue> out;
    if (!node.is_mapping()) {
      error(doc, node, fmt::format("'{}' must be a mapping of value: label", field));
      return out;
    }
    for (const auto& [key, value] : node.entries) {
      out.push_back(read_value(doc, key, value));
    }
    return out;
  }

  ChoiceValue read_value(const YamlDocument& doc, const YamlNode& key, const YamlNode& value) {
    ChoiceValue v;
    v.code = key.scalar;
    v.where = doc.where(key);
    if (!is_snake_id(v.code)) {
      error(doc, key, fmt::format("value '{}' must be lower-case snake_case", v.code));
    }
    if (value.is_scalar()) {
      v.label = value.scalar;
    } else if (check_keys(doc, value, "a value", {"label", "drug", "statutes"})) {
      if (const YamlNode* n = value.find("label")) v.label = text_of(doc, *n, "label").value_or("");
      if (const YamlNode* n = value.find("drug")) v.drug = bool_of(doc, *n, "drug").value_or(false);
      if (const YamlNode* n = value.find("statutes"))
        v.statutes = list_of_text(doc, *n, "statutes");
    }
    return v;
  }

  // A question in four steps: its id (a clash with an earlier one drops it), its type, its
  // fields, then the checks that need several fields together.
  void read_questions(const YamlDocument& doc, const YamlNode& node, const std::string& layer,
                      Policy& policy) {
    if (!node.is_sequence()) {
      error(doc, node, "'questions' must be a list");
      return;
    }
    static const std::vector<std::string> k_keys = {"id",   "type",   "label",      "help",
                                                    "unit", "values", "categories", "min",
                                                    "max",  "past",   "asked_when", "record_only"};
    for (const YamlNode& item : node.items) {
      if (!check_keys(doc, item, "a question", k_keys)) continue;
      Question q;
      q.layer = layer;
      q.where = doc.where(item);
      if (!read_question_id(doc, item, policy, q)) continue;
      read_question_type(doc, item, q);
      read_question_fields(doc, item, q);
      check_question(doc, item, q);
      if (const YamlNode* n = item.find("asked_when")) {
        if (auto s = text_of(doc, *n, "asked_when")) {
          q.asked_when = *s;
          m_pending_asks.push_back({policy.questions.size(), expression_locator(doc, *n)});
        }
      }
      policy.questions.push_back(std::move(q));
    }
  }

  // False when the id is taken (by a question of an earlier layer or a derived value).
  bool read_question_id(const YamlDocument& doc, const YamlNode& item, const Policy& policy,
                        Question& q) {
    const YamlNode* n = required(doc, item, "id", "a question");
    if (n == nullptr) return true;
    q.id = text_of(doc, *n, "id").value_or("");
    q.where = doc.where(*n);
    if (!is_snake_id(q.id)) {
      error(doc, *n, fmt::format("question id '{}' must be lower-case snake_case", q.id));
    }
    if (q.id == "case_id") {
      error(doc, *n, "'case_id' is reserved for batch input; it cannot be a question");
    }
    if (const Question* existing = policy.question(q.id)) {
      error(doc, *n,
            fmt::format("question '{}' is already defined by '{}' at {}:{}; a policy "
                        "may not redefine it",
                        q.id, existing->layer, existing->where.file, existing->where.line));
      return false;
    }
    if (std::any_of(policy.derived.begin(), policy.derived.end(),
                    [&](const Derived& d) { return d.id == q.id; })) {
      error(doc, *n, fmt::format("'{}' is already a derived value", q.id));
      return false;
    }
    return true;
  }

  void read_question_type(const YamlDocument& doc, const YamlNode& item, Question& q) {
    const YamlNode* n = required(doc, item, "type", "a question");
    if (n == nullptr) return;
    const std::string t = text_of(doc, *n, "type").value_or("");
    static const std::vector<std::string> k_types = {"bool", "choice",      "number", "integer",
                                                     "date", "convictions", "text"};
    if (t == "bool") q.type = QuestionType::boolean;
    else if (t == "choice") q.type = QuestionType::choice;
    else if (t == "number") q.type = QuestionType::number;
    else if (t == "integer") q.type = QuestionType::integer;
    else if (t == "date") q.type = QuestionType::date;
    else if (t == "convictions") q.type = QuestionType::convictions;
    else if (t == "text") q.type = QuestionType::text;
    else
      error(doc, *n,
            fmt::format("unknown question type '{}'{} (types: {})", t, did_you_mean(t, k_types),
                        join(k_types, ", ")));
  }

  void read_question_fields(const YamlDocument& doc, const YamlNode& item, Question& q) {
    if (const YamlNode* n = required(doc, item, "label", "a question"))
      q.label = text_of(doc, *n, "label").value_or("");
    if (const YamlNode* n = item.find("help")) q.help = text_of(doc, *n, "help").value_or("");
    if (const YamlNode* n = item.find("unit")) q.unit = text_of(doc, *n, "unit").value_or("");
    if (const YamlNode* n = item.find("past")) q.past = bool_of(doc, *n, "past").value_or(false);
    if (const YamlNode* n = item.find("record_only"))
      q.record_only = bool_of(doc, *n, "record_only").value_or(false);
    if (const YamlNode* n = item.find("min")) q.min = number_of(doc, *n, "min");
    if (const YamlNode* n = item.find("max")) q.max = number_of(doc, *n, "max");
    if (const YamlNode* n = item.find("values")) {
      if (q.type != QuestionType::choice) error(doc, *n, "'values' belong to choice questions");
      q.values = read_values(doc, *n, "values");
    }
    if (const YamlNode* n = item.find("categories")) {
      if (q.type != QuestionType::convictions)
        error(doc, *n, "'categories' belong to convictions questions");
      q.categories = read_values(doc, *n, "categories");
    }
  }

  void check_question(const YamlDocument& doc, const YamlNode& item, const Question& q) {
    if (q.type == QuestionType::choice && q.values.empty()) {
      error(doc, item, fmt::format("choice question '{}' needs 'values'", q.id));
    }
    if (q.type == QuestionType::convictions && q.categories.empty()) {
      error(doc, item, fmt::format("convictions question '{}' needs 'categories'", q.id));
    }
    if ((q.min || q.max) && q.type != QuestionType::number && q.type != QuestionType::integer) {
      error(doc, item, "'min' and 'max' belong to number and integer questions");
    }
    if (q.min && q.max && *q.min > *q.max) {
      error(doc, *item.find("min"), "'min' is greater than 'max'");
    }
    if (q.past && q.type != QuestionType::date && q.type != QuestionType::convictions) {
      error(doc, *item.find("past"), "'past' belongs to date and convictions questions");
    }
  }

  void read_choice_values(const YamlDocument& doc, const YamlNode& node, Policy& policy) {
    if (!node.is_mapping()) {
      error(doc, node, "'choice_values' must be a mapping of question id to values");
      return;
    }
    for (const auto& [key, values] : node.entries) {
      const int qi = policy.question_index(key.scalar);
      if (qi < 0 || policy.questions[static_cast<size_t>(qi)].type != QuestionType::choice) {
        error(doc, key, fmt::format("'{}' is not a choice question", key.scalar));
        continue;
      }
      Question& q = policy.questions[static_cast<size_t>(qi)];
      if (!values.is_mapping()) {
        error(doc, values, "values must be a mapping of value: label");
        continue;
      }
      for (const auto& [code, detail] : values.entries) {
        ChoiceValue v = read_value(doc, code, detail);
        const int existing = q.value_index(v.code);
        if (existing < 0) {
          if (q.id == vocabulary::offense && !(detail.is_mapping() && detail.find("drug"))) {
            error(doc, code,
                  fmt::format("a new offense '{}' must declare 'drug: true' or "
                              "'drug: false'",
                              v.code));
          }
          q.values.push_back(std::move(v));
          continue;
        }
        ChoiceValue& old = q.values[static_cast<size_t>(existing)];
        if (detail.is_mapping() && detail.find("drug") && v.drug != old.drug) {
          error(doc, *detail.find("drug"),
                fmt::format("'{}' may not change whether '{}' is a drug offense", policy.id,
                            v.code));
        }
        if (!v.label.empty()) old.label = v.label;
        if (!v.statutes.empty()) old.statutes = v.statutes;
      }
    }
  }

  void read_derived(const YamlDocument& doc, const YamlNode& node, const std::string& layer,
                    Policy& policy) {
    if (!node.is_sequence()) {
      error(doc, node, "'derived' must be a list");
      return;
    }
    for (const YamlNode& item : node.items) {
      if (!check_keys(doc, item, "a derived value", {"id", "label", "value"})) continue;
      Derived d;
      d.layer = layer;
      d.where = doc.where(item);
      if (const YamlNode* n = required(doc, item, "id", "a derived value"))
        d.id = text_of(doc, *n, "id").value_or("");
      if (const YamlNode* n = required(doc, item, "label", "a derived value"))
        d.label = text_of(doc, *n, "label").value_or("");
      if (const YamlNode* n = required(doc, item, "value", "a derived value")) {
        d.expression = text_of(doc, *n, "value").value_or("");
        m_pending_derived.push_back({policy.derived.size(), expression_locator(doc, *n)});
      }
      if (policy.question(d.id) != nullptr ||
          std::any_of(policy.derived.begin(), policy.derived.end(),
                      [&](const Derived& o) { return o.id == d.id; })) {
        error(doc, item, fmt::format("'{}' is already defined", d.id));
        continue;
      }
      policy.derived.push_back(std::move(d));
    }
  }

  // A rule's explanation or citation: every rule has both, so that no decision shows a reason
  // without words or without a source (a blank one is as missing).
  std::string rule_text(const YamlDocument& doc, const YamlNode& rule, const std::string& id,
                        std::string_view key, std::string_view what) {
    const YamlNode* n = rule.find(key);
    const bool missing = n == nullptr || n->is_null();
    const std::optional<std::string> text =
        missing ? std::optional<std::string>("") : text_of(doc, *n, key);
    if (text && text->find_first_not_of(" \t\n\r") == std::string::npos) {
      error(doc, missing ? rule : *n, fmt::format("rule '{}' needs '{}': {}", id, key, what));
    }
    return text.value_or("");
  }

  void read_rules(const YamlDocument& doc, const YamlNode& node, const std::string& layer,
                  Policy& policy) {
    if (!node.is_sequence()) {
      error(doc, node, "'rules' must be a list");
      return;
    }
    static const std::vector<std::string> k_keys = {"id",        "effect",          "pathways",
                                                    "condition", "explain",         "citation",
                                                    "approver",  "holds_by_design", "override",
                                                    "basis",     "sources",         "assumption"};
    std::set<std::string> own_ids;
    for (const YamlNode& item : node.items) {
      if (!check_keys(doc, item, "a rule", k_keys)) continue;
      Rule r;
      r.layer = layer;
      r.where = doc.where(item);
      if (const YamlNode* n = required(doc, item, "id", "a rule")) {
        r.id = text_of(doc, *n, "id").value_or("");
        r.where = doc.where(*n);
        if (!is_kebab_id(r.id)) {
          error(doc, *n, fmt::format("rule id '{}' must be lower-case kebab-case", r.id));
        }
        if (!own_ids.insert(r.id).second) {
          error(doc, *n, fmt::format("rule '{}' is defined twice in this policy", r.id));
          continue;
        }
      }
      if (const YamlNode* n = required(doc, item, "effect", "a rule")) {
        const std::string e = text_of(doc, *n, "effect").value_or("");
        if (e == "require") r.effect = Effect::require;
        else if (e == "exclude") r.effect = Effect::exclude;
        else if (e == "approval") r.effect = Effect::approval;
        else if (e == "notice") r.effect = Effect::notice;
        else
          error(doc, *n,
                fmt::format("effect '{}' must be require, exclude, approval or notice{}", e,
                            did_you_mean(e, {"require", "exclude", "approval", "notice"})));
      }
      if (const YamlNode* n = item.find("pathways")) {
        r.pathways = list_of_text(doc, *n, "pathways");
        if (r.pathways.empty() && n->is_sequence()) {
          error(doc, *n, "'pathways' lists at least one pathway (leave it out for every pathway)");
        }
        m_rule_pathways_where[r.id + "@" + layer] = doc.where(*n);
      }
      if (const YamlNode* n = required(doc, item, "condition", "a rule")) {
        if (n->is_scalar() && !n->quoted && (n->scalar == "true")) {
          r.condition = "true";
        } else if (auto s = text_of(doc, *n, "condition")) {
          r.condition = *s;
        }
        m_pending_rules.push_back({r.id, layer, expression_locator(doc, *n)});
      }
      r.explain = rule_text(doc, item, r.id, "explain",
                            "the plain-language explanation that officers see as the reason "
                            "for the decision");
      r.citation = rule_text(doc, item, r.id, "citation",
                             "which law, protocol or document the criterion comes from");
      if (const YamlNode* n = item.find("approver")) {
        r.approver = text_of(doc, *n, "approver").value_or("");
        if (r.effect != Effect::approval) error(doc, *n, "'approver' belongs to approval rules");
      }
      if (const YamlNode* n = item.find("holds_by_design"))
        r.holds_by_design = bool_of(doc, *n, "holds_by_design").value_or(false);
      if (const YamlNode* n = item.find("basis")) {
        const std::string b = text_of(doc, *n, "basis").value_or("");
        if (b == "published") r.basis = Basis::published;
        else if (b == "reported") r.basis = Basis::reported;
        else if (b == "assumed") r.basis = Basis::assumed;
        else
          error(doc, *n,
                fmt::format("basis '{}' must be published, reported or assumed{}", b,
                            did_you_mean(b, {"published", "reported", "assumed"})));
      }
      if (const YamlNode* n = item.find("sources")) {
        r.sources = sources_of(doc, *n, true);
        if (r.basis == Basis::assumed && !r.sources.empty()) {
          error(doc, *n,
                fmt::format("rule '{}' is assumed, so it rests on no source; give it "
                            "basis 'published' or 'reported', or remove 'sources'",
                            r.id));
        }
      }
      if (const YamlNode* n = item.find("assumption")) {
        r.assumption = text_of(doc, *n, "assumption").value_or("");
        if (r.basis == Basis::assumed) {
          error(doc, *n,
                "'assumption' names the assumed part of a published or reported rule; "
                "an assumed rule is assumed whole");
        }
      }
      bool is_override = false;
      if (const YamlNode* n = item.find("override"))
        is_override = bool_of(doc, *n, "override").value_or(false);

      auto existing = std::find_if(policy.rules.begin(), policy.rules.end(),
                                   [&](const Rule& o) { return o.id == r.id; });
      if (existing != policy.rules.end()) {
        if (!is_override) {
          error(r.where,
                fmt::format("rule '{}' is already defined by '{}' at {}:{}; add "
                            "'override: true' to replace it",
                            r.id, existing->layer, existing->where.file, existing->where.line));
          continue;
        }
        if (existing->effect == r.effect && existing->condition == r.condition &&
            existing->pathways == r.pathways && existing->explain == r.explain &&
            existing->citation == r.citation && existing->approver == r.approver &&
            existing->basis == r.basis && existing->assumption == r.assumption &&
            same_sources(existing->sources, r.sources)) {
          finding(r.where, Severity::warning,
                  fmt::format("override of rule '{}' changes nothing", r.id), "override-no-change");
        }
        *existing = std::move(r);
      } else {
        if (is_override) {
          error(r.where,
                fmt::format("rule '{}' overrides nothing: no base layer defines it", r.id));
        }
        policy.rules.push_back(std::move(r));
      }
    }
  }

  // ---- whole-policy checks once every layer is in ----

  void finish(Policy& policy) {
    policy.pathway_question = policy.question_index(vocabulary::pathway);
    policy.incident_date_question = policy.question_index(vocabulary::incident_date);
    const Question* pathway = policy.pathway_question >= 0
                                  ? &policy.questions[static_cast<size_t>(policy.pathway_question)]
                                  : nullptr;
    auto check_pathways = [&](const std::vector<std::string>& names, const SourceLocation& where) {
      for (const std::string& name : names) {
        if (pathway == nullptr || pathway->value_index(name) < 0) {
          std::vector<std::string> codes;
          if (pathway)
            for (const auto& v : pathway->values) codes.push_back(v.code);
          error(where, fmt::format("unknown pathway '{}'{}", name, did_you_mean(name, codes)),
                "unknown-pathway");
        }
      }
    };
    check_pathways(policy.pathways, m_pathways_where.line ? m_pathways_where : policy.where);
    for (const Provider& p : policy.providers) check_pathways(p.pathways, policy.where);
    if (policy.intake_days) check_pathways(policy.intake_pathways, policy.where);

    // Derived values are checked where they are defined, used or not.
    for (const auto& pending : m_pending_derived) {
      const size_t index = pending.first;
      const auto& locate = pending.second;
      if (index >= policy.derived.size()) continue;
      const Derived& d = policy.derived[index];
      try {
        (void)Expr::compile_value(d.expression, policy, locate);
      } catch (const InputError& e) {
        for (const Diagnostic& diag : e.diagnostics()) {
          error(diag.where, fmt::format("{} (derived value '{}')", diag.message, d.id), diag.code);
        }
      }
    }
    for (const auto& [index, start] : m_pending_asks) {
      Question& q = policy.questions[index];
      try {
        q.ask = Expr::compile(q.asked_when, policy, start);
      } catch (const InputError& e) {
        for (const Diagnostic& d : e.diagnostics()) error(d.where, d.message, d.code);
      }
    }
    for (const auto& pending : m_pending_rules) {
      auto rule = std::find_if(policy.rules.begin(), policy.rules.end(), [&](const Rule& r) {
        return r.id == pending.id && r.layer == pending.layer;
      });
      if (rule == policy.rules.end()) {
        continue; // overridden by a later layer
      }
      try {
        rule->expr = Expr::compile(rule->condition, policy, pending.start);
      } catch (const InputError& e) {
        for (const Diagnostic& d : e.diagnostics()) error(d.where, d.message, d.code);
      }
      const auto where = m_rule_pathways_where.find(rule->id + "@" + rule->layer);
      check_pathways(rule->pathways,
                     where != m_rule_pathways_where.end() ? where->second : rule->where);
      for (const std::string& name : rule->pathways) {
        if (pathway && pathway->value_index(name) >= 0) {
          rule->pathway_values.push_back(pathway->value_index(name));
        }
      }
      rule->reads = rule->expr.reads();
      if (!rule->pathways.empty() && policy.pathway_question >= 0) {
        rule->reads.push_back(policy.pathway_question);
        std::sort(rule->reads.begin(), rule->reads.end());
        rule->reads.erase(std::unique(rule->reads.begin(), rule->reads.end()), rule->reads.end());
      }
    }
    if (!policy.is_abstract) {
      if (policy.pathway_question < 0 || policy.incident_date_question < 0) {
        error(policy.where, "a policy that decides cases needs the 'pathway' and 'incident_date' "
                            "questions (extend the vocabulary)");
      }
      if (policy.providers.empty()) {
        error(policy.where, "a policy that decides cases needs at least one referral provider");
      }
    }
    if (!m_errors.empty()) {
      return;
    }
    order_asks(policy);
    mark_reads(policy);
  }

  // Ask-conditions must be acyclic so that "asked" is well defined; order them so each is
  // evaluated after every question it depends on.
  void order_asks(Policy& policy) {
    const size_t n = policy.questions.size();
    std::vector<int> state(n, 0); // 0 new, 1 visiting, 2 done
    std::vector<int> order;
    std::vector<std::string> path;
    std::function<bool(size_t)> visit = [&](size_t i) -> bool {
      if (state[i] == 2) return true;
      if (state[i] == 1) {
        path.push_back(policy.questions[i].id);
        return false;
      }
      state[i] = 1;
      for (int dep : policy.questions[i].ask.reads()) {
        if (!visit(static_cast<size_t>(dep))) {
          path.push_back(policy.questions[i].id);
          return false;
        }
      }
      state[i] = 2;
      order.push_back(static_cast<int>(i));
      return true;
    };
    for (size_t i = 0; i < n; ++i) {
      if (!visit(i)) {
        std::reverse(path.begin(), path.end());
        error(policy.questions[i].where,
              fmt::format("ask-conditions form a cycle: {}", join(path, " -> ")));
        return;
      }
    }
    policy.ask_order = std::move(order);
  }

  void mark_reads(Policy& policy) {
    std::vector<bool> read(policy.questions.size(), false);
    std::vector<int> stack;
    auto push = [&](int q) {
      if (q >= 0 && !read[static_cast<size_t>(q)]) {
        read[static_cast<size_t>(q)] = true;
        stack.push_back(q);
      }
    };
    push(policy.pathway_question);
    push(policy.incident_date_question);
    for (const Rule& r : policy.rules) {
      for (int q : r.reads) push(q);
    }
    while (!stack.empty()) {
      const int q = stack.back();
      stack.pop_back();
      for (int dep : policy.questions[static_cast<size_t>(q)].ask.reads()) push(dep);
    }
    policy.read_by_policy = std::move(read);
    policy.past_questions.clear();
    for (size_t q = 0; q < policy.questions.size(); ++q) {
      if (policy.questions[q].past) policy.past_questions.push_back(static_cast<int>(q));
    }
  }

  struct PendingRule {
    std::string id;
    std::string layer;
    Locator start;
  };

  const PolicyResolver& m_resolve;
  LoadNotes& m_notes;
  std::vector<Diagnostic> m_errors;
  std::vector<std::string> m_chain;
  std::vector<std::pair<size_t, Locator>> m_pending_asks;
  std::vector<std::pair<size_t, Locator>> m_pending_derived;
  std::vector<PendingRule> m_pending_rules;
  std::map<std::string, SourceLocation> m_rule_pathways_where;
  // The line index of the file whose conditions are being located, shared by its locators.
  std::shared_ptr<LazySourceText> m_source;
  SourceLocation m_pathways_where;
};

} // namespace

Policy load_policy(const PolicyText& top, const PolicyResolver& resolve, LoadNotes& notes) {
  Loader loader(resolve, notes);
  return loader.load(top);
}

Policy load_policy(const PolicyText& top, const PolicyResolver& resolve) {
  LoadNotes notes;
  return load_policy(top, resolve, notes);
}

} // namespace divert
