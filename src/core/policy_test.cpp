// SPDX-License-Identifier: Apache-2.0
#include "core/policy_test.hpp"

#include "core/text_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace divert {

static std::vector<std::string> id_list(const YamlDocument& doc, const YamlNode& node,
                                        const char* field) {
  if (!node.is_sequence()) {
    throw InputError(doc.where(node), fmt::format("'{}' must be a list of ids", field));
  }
  std::vector<std::string> out;
  for (const YamlNode& item : node.items) {
    if (!item.is_scalar()) {
      throw InputError(doc.where(item), fmt::format("'{}' must be a list of ids", field));
    }
    out.push_back(item.scalar);
  }
  return out;
}

PolicyTestFile read_policy_tests(const YamlDocument& doc, const Policy& policy) {
  PolicyTestFile file;
  const YamlNode* cases = doc.root.is_mapping() ? doc.root.find("cases") : nullptr;
  if (cases == nullptr || !cases->is_sequence()) {
    throw InputError(doc.where(doc.root), "a test file needs 'cases:', a list of test cases");
  }
  std::vector<Diagnostic> problems;
  for (const YamlNode& item : cases->items) {
    if (!item.is_mapping()) {
      throw InputError(doc.where(item), "a test case must be a mapping");
    }
    for (const auto& [key, value] : item.entries) {
      if (key.scalar != "name" && key.scalar != "answers" && key.scalar != "expect") {
        throw InputError(doc.where(key), fmt::format("unknown key '{}' in a test case{}", key.scalar,
                                                     did_you_mean(key.scalar, {"name", "answers", "expect"})));
      }
    }
    PolicyTestCase test(policy);
    test.line = item.line;
    const YamlNode* name = item.find("name");
    test.name = name != nullptr && name->is_scalar() ? name->scalar : fmt::format("line {}", item.line);
    if (const YamlNode* answers = item.find("answers")) {
      YamlDocument sub{doc.file, doc.text, *answers};
      read_answers(sub, policy, test.answers, AnswerSource::file);
      check_answers(policy, test.answers);
    }
    const YamlNode* expect = item.find("expect");
    if (expect == nullptr || !expect->is_mapping()) {
      throw InputError(doc.where(item), fmt::format("test '{}' needs 'expect:'", test.name));
    }
    for (const auto& [key, value] : expect->entries) {
      if (key.scalar == "outcome") {
        const std::string o = value.is_scalar() ? value.scalar : "";
        if (o == "eligible") test.outcome = Outcome::eligible;
        else if (o == "ineligible") test.outcome = Outcome::ineligible;
        else if (o == "needs_approval") test.outcome = Outcome::needs_approval;
        else if (o == "incomplete") test.outcome = Outcome::incomplete;
        else throw InputError(doc.where(value), fmt::format("unknown outcome '{}'", o));
      } else if (key.scalar == "reasons") {
        test.reasons = id_list(doc, value, "reasons");
      } else if (key.scalar == "notices") {
        test.notices = id_list(doc, value, "notices");
      } else if (key.scalar == "missing") {
        test.missing = id_list(doc, value, "missing");
      } else {
        throw InputError(doc.where(key), fmt::format("unknown key '{}' in expect", key.scalar));
      }
    }
    if (!test.outcome) {
      throw InputError(doc.where(*expect), fmt::format("test '{}' needs 'expect: outcome'", test.name));
    }
    // Expected ids must exist, or a typo would make a test pass vacuously.
    for (const auto* list : {&test.reasons, &test.notices}) {
      for (const std::string& id : *list) {
        if (std::none_of(policy.rules.begin(), policy.rules.end(),
                         [&](const Rule& r) { return r.id == id; })) {
          throw InputError(doc.where(*expect), fmt::format("test '{}': no rule '{}' in policy '{}'",
                                                           test.name, id, policy.id));
        }
      }
    }
    file.cases.push_back(std::move(test));
  }
  return file;
}

static std::string set_text(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  return "[" + join(ids, ", ") + "]";
}

std::vector<CaseResult> run_policy_tests(const Policy& policy, const PolicyTestFile& tests,
                                         std::optional<Days> today) {
  std::vector<CaseResult> results;
  for (const PolicyTestCase& test : tests.cases) {
    CaseResult r;
    r.name = test.name;
    r.line = test.line;
    const Decision d = evaluate(policy, test.answers, today);
    if (d.outcome != *test.outcome) {
      r.differences.push_back(fmt::format("outcome: expected {}, got {}", outcome_name(*test.outcome),
                                          outcome_name(d.outcome)));
    }
    auto rule_ids = [](const std::vector<const Rule*>& rules) {
      std::vector<std::string> ids;
      for (const Rule* rule : rules) ids.push_back(rule->id);
      return ids;
    };
    const std::string want_reasons = set_text(test.reasons);
    const std::string got_reasons = set_text(rule_ids(d.reasons));
    if (want_reasons != got_reasons) {
      r.differences.push_back(fmt::format("reasons: expected {}, got {}", want_reasons, got_reasons));
    }
    const std::string want_notices = set_text(test.notices);
    const std::string got_notices = set_text(rule_ids(d.notices));
    if (want_notices != got_notices) {
      r.differences.push_back(fmt::format("notices: expected {}, got {}", want_notices, got_notices));
    }
    if (test.missing) {
      std::vector<std::string> got;
      for (int q : d.missing) got.push_back(policy.questions[static_cast<size_t>(q)].id);
      if (set_text(*test.missing) != set_text(got)) {
        r.differences.push_back(fmt::format("missing: expected {}, got {}", set_text(*test.missing),
                                            set_text(got)));
      }
    }
    r.passed = r.differences.empty();
    if (!r.passed) {
      // The answers that mattered: those read by the rules involved.
      std::set<int> read;
      for (size_t i = 0; i < policy.rules.size(); ++i) {
        const bool named = std::find(test.reasons.begin(), test.reasons.end(), policy.rules[i].id) !=
                           test.reasons.end();
        if (d.fired[i] != Tri::no || named) {
          read.insert(policy.rules[i].reads.begin(), policy.rules[i].reads.end());
        }
      }
      std::vector<std::string> shown;
      for (int q : read) {
        const auto qi = static_cast<size_t>(q);
        if (!test.answers.slots[qi].present) {
          shown.push_back(policy.questions[qi].id + "=(not answered)");
        } else {
          const Question& question = policy.questions[qi];
          const Slot& s = test.answers.slots[qi];
          std::string v;
          switch (question.type) {
          case QuestionType::boolean: v = s.x != 0 ? "true" : "false"; break;
          case QuestionType::choice: v = question.values[static_cast<size_t>(s.x)].code; break;
          case QuestionType::date: v = format_date(static_cast<Days>(s.x)); break;
          case QuestionType::convictions: v = fmt::format("{} item(s)", s.items.size()); break;
          case QuestionType::text: v = s.text; break;
          default: v = fmt::format("{}", s.x); break;
          }
          shown.push_back(question.id + "=" + v);
        }
      }
      if (!shown.empty()) {
        r.differences.push_back("answers that mattered: " + join(shown, ", "));
      }
    }
    results.push_back(std::move(r));
  }
  return results;
}

std::vector<Diagnostic> lint_policy(const Policy& policy, Days today) {
  std::vector<Diagnostic> out;
  for (const Rule& rule : policy.rules) {
    if (rule.explain.empty()) {
      out.push_back({rule.where, Severity::warning,
                     fmt::format("rule '{}' has no plain-language explanation", rule.id),
                     "rule-no-explanation"});
    }
    if (rule.citation.empty()) {
      out.push_back({rule.where, Severity::warning,
                     fmt::format("rule '{}' has no citation", rule.id), "rule-no-citation"});
    }
  }
  if (policy.status != PolicyStatus::adopted) {
    out.push_back({policy.where, Severity::note,
                   fmt::format("policy '{}' is a {}: its criteria are not confirmed by the program",
                               policy.id, status_name(policy.status)),
                   "status-not-adopted"});
  }
  if (policy.review_by && *policy.review_by < today) {
    out.push_back({policy.where, Severity::warning,
                   fmt::format("policy was due for review on {}", format_date(*policy.review_by)),
                   "review-overdue"});
  }
  if (policy.expires && *policy.expires < today) {
    out.push_back({policy.where, Severity::warning,
                   fmt::format("policy expired on {}", format_date(*policy.expires)),
                   "policy-expired"});
  }
  return out;
}

} // namespace divert
