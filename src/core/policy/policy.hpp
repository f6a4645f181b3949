// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/base/dates.hpp"
#include "core/base/error.hpp"
#include "core/policy/expr.hpp"

#include <optional>
#include <string>
#include <vector>

namespace divert {

// The standard vocabulary's ids that divert itself acts on (policies/lead-vocabulary.yaml and
// the checklist contract): the pathway decides which rules apply, the incident date is the day
// law and intake deadlines are reckoned from, offense values know which are drug offenses, and
// arrest diversion is the pathway an intake period applies to unless a policy says otherwise.
namespace vocabulary {
inline constexpr const char* pathway = "pathway";
inline constexpr const char* incident_date = "incident_date";
inline constexpr const char* offense = "offense";
inline constexpr const char* arrest_diversion = "arrest_diversion";
inline constexpr const char* social_contact = "social_contact";
} // namespace vocabulary

enum class QuestionType { boolean, choice, number, integer, date, convictions, text };
const char* question_type_name(QuestionType type);

struct ChoiceValue {
  std::string code;
  std::string label;
  bool drug = false;                 // offense values: a drug offense
  std::vector<std::string> statutes; // offense values: statute citations
  SourceLocation where;
};

struct Question {
  std::string id;
  QuestionType type = QuestionType::boolean;
  std::string label;
  std::string help;
  std::string unit;
  std::vector<ChoiceValue> values;     // choice: the allowed values, in order
  std::vector<ChoiceValue> categories; // convictions: the allowed categories
  std::optional<double> min;
  std::optional<double> max;
  bool past = false;        // a past event: may not follow incident_date
  bool record_only = false; // text: kept in the record, never read by rules
  std::string asked_when;   // the condition as written; empty = whenever the policy reads it
  Expr ask;                 // compiled `asked_when` (always true when empty)
  std::string layer;        // the policy id that defined it
  SourceLocation where;

  int value_index(std::string_view code) const;
  int category_index(std::string_view code) const;
};

struct Derived {
  std::string id;
  std::string label;
  std::string expression;
  Expr expr;
  std::string layer;
  SourceLocation where;
};

enum class Effect { require, exclude, approval, notice };
const char* effect_name(Effect effect);

struct Source {
  std::string title;
  std::string url;
};

// What a rule rests on: the program's or the law's own text, a secondary source (news, an
// evaluation, a slide deck), or the model's own choice where no source was found.
enum class Basis { unstated, published, reported, assumed };
const char* basis_name(Basis basis); // "" for unstated

struct Rule {
  std::string id;
  Effect effect = Effect::require;
  std::vector<std::string> pathways; // empty: every pathway
  std::vector<int> pathway_values;   // indices into the pathway question's values
  std::string condition;
  Expr expr;
  std::string explain;
  std::string citation;
  std::string approver;         // approval rules: who approves
  bool holds_by_design = false; // lint: a condition that is always true on purpose
  Basis basis = Basis::unstated;
  std::vector<Source> sources; // what the criterion rests on (none for an assumed rule)
  std::string assumption;      // the part of a published or reported rule the model chose
  std::string layer;
  SourceLocation where;
  std::vector<int> reads; // questions the rule reads (condition, and pathway when limited)
};

struct Agency {
  std::string code;
  std::string name;
};

struct Provider {
  std::string name;
  std::string contact;
  std::vector<std::string> pathways; // empty: every pathway
};

enum class PolicyStatus { adopted, model, draft };
const char* status_name(PolicyStatus status);

// One file the policy was built from, bottom layer (the vocabulary) first.
struct PolicyLayer {
  std::string id;
  std::string version;
  std::string file;
  std::string sha256;
  // The `SHA256:` fingerprint of the key whose signature over the file was checked before the
  // file was used (a laptop with a policy trust list); empty when none was required.
  std::string signed_by;
};

struct Policy {
  int format = 1;
  std::string id;
  std::string title;
  std::string version;
  PolicyStatus status = PolicyStatus::draft;
  bool is_abstract = false;
  std::optional<Days> effective;
  std::optional<Days> review_by;
  std::optional<Days> expires;
  std::optional<Days> until; // the program or protocol ended or was superseded on this date
  std::string until_reason;
  std::string summary;
  std::vector<Source> sources;
  std::vector<Agency> agencies;
  std::vector<Provider> providers;
  std::optional<int> intake_days;
  std::vector<std::string> intake_pathways;
  std::vector<std::string> pathways; // offered; empty = every pathway value
  std::vector<Question> questions;   // vocabulary order, then each layer's own
  std::vector<Derived> derived;
  std::vector<Rule> rules;           // base rules first; overrides stay in place
  std::vector<int> record_questions; // declared record-only text questions
  std::vector<PolicyLayer> layers;
  SourceLocation where;

  // Filled by the loader for the evaluator.
  std::vector<int> ask_order;       // questions in an order where each ask depends on earlier ones
  std::vector<bool> read_by_policy; // per question: read by some rule (or an ask of one)
  std::vector<int> past_questions;  // questions marked `past` (checked against incident_date)
  int pathway_question = -1;
  int incident_date_question = -1;

  int question_index(std::string_view id) const;
  const Question* question(std::string_view id) const;
};

} // namespace divert
