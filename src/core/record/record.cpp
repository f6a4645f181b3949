// SPDX-License-Identifier: Apache-2.0
#include "core/record/record.hpp"

#include "core/base/dates.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace divert {

using nlohmann::json;

const char* action_name(ActionKind kind) {
  switch (kind) {
  case ActionKind::refer: return "refer";
  case ActionKind::decline: return "decline";
  case ActionKind::exception_requested: return "exception_requested";
  }
  return "?";
}

std::string record_namespace(std::string_view agency_code) {
  return std::string(k_namespace_prefix) + std::string(agency_code);
}

std::string officer_principal(std::string_view officer_id, std::string_view agency_code) {
  return fmt::format("{}@{}", officer_id, agency_code);
}

bool is_safe_id(std::string_view id) {
  if (id.empty() || id.size() > 64 || id[0] == '.' || id[0] == '-') {
    return false;
  }
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

// Whole numbers print as integers; anything else as the double it is (JCS formats it).
static json number_json(double x) {
  if (std::floor(x) == x && std::abs(x) < 9007199254740992.0) {
    return static_cast<long long>(x);
  }
  return x;
}

json answer_value_json(const Question& question, const Slot& slot) {
  switch (question.type) {
  case QuestionType::boolean: return slot.x != 0;
  case QuestionType::choice: {
    const auto i = static_cast<size_t>(slot.x);
    return i < question.values.size() ? json(question.values[i].code) : json();
  }
  case QuestionType::number:
  case QuestionType::integer: return number_json(slot.x);
  case QuestionType::date: return format_date(static_cast<Days>(slot.x));
  case QuestionType::convictions: {
    json items = json::array();
    for (const ConvictionItem& item : slot.items) {
      const auto c = static_cast<size_t>(item.category);
      items.push_back(
          {{"category",
            c < question.categories.size() ? json(question.categories[c].code) : json()},
           {"date", format_date(item.date)}});
    }
    return items;
  }
  case QuestionType::text: return slot.text;
  }
  return json();
}

std::vector<int> recorded_questions(const Policy& policy, const Answers& answers,
                                    const Decision& decision) {
  std::vector<int> out;
  for (size_t q = 0; q < policy.questions.size(); ++q) {
    if (!answers.slots[q].present) {
      continue;
    }
    const bool asked = q < decision.visible.size() && decision.visible[q] == Tri::yes &&
                       q < policy.read_by_policy.size() && policy.read_by_policy[q];
    const bool declared = std::find(policy.record_questions.begin(), policy.record_questions.end(),
                                    static_cast<int>(q)) != policy.record_questions.end();
    if (asked || declared) {
      out.push_back(static_cast<int>(q));
    }
  }
  return out;
}

static json rule_json(const Rule& rule, bool with_effect) {
  json r = {{"rule", rule.id}, {"text", rule.explain}, {"citation", rule.citation}};
  if (with_effect) {
    r["effect"] = effect_name(rule.effect);
  }
  return r;
}

static json nullable(const std::string& s) { return s.empty() ? json() : json(s); }

json build_record(const Policy& policy, const Answers& answers, const Decision& decision,
                  const std::optional<OfficerAction>& action, const RecordContext& ctx) {
  if (decision.outcome == Outcome::incomplete) {
    throw InputError("an incomplete decision is never recorded");
  }
  json record;
  record["schema"] = k_record_schema;
  record["record_id"] = ctx.record_id;
  record["created_at"] = format_rfc3339(ctx.created_at);
  record["agency"] = {{"code", ctx.agency_code}, {"name", nullable(ctx.agency_name)}};
  record["officer"] = {{"id", ctx.officer_id},
                       {"principal", officer_principal(ctx.officer_id, ctx.agency_code)},
                       {"key_fpr", ctx.key_fpr}};
  record["device"] = {{"id", ctx.device_id},
                      {"seq", ctx.seq},
                      {"prev_sha256", ctx.prev_sha256 ? json(*ctx.prev_sha256) : json()}};

  json layers = json::array();
  for (const PolicyLayer& layer : policy.layers) {
    json entry = {{"id", layer.id}, {"version", layer.version}, {"sha256", layer.sha256}};
    if (!layer.signed_by.empty()) {
      entry["signed_by"] = layer.signed_by; // only where a policy trust list required it
    }
    layers.push_back(std::move(entry));
  }
  record["policy"] = {{"id", policy.id},
                      {"version", policy.version},
                      {"status", status_name(policy.status)},
                      {"sha256",
                       policy.layers.empty() ? json() : json(policy.layers.back().sha256)},
                      {"layers", std::move(layers)}};

  record["pathway"] = decision.pathway >= 0
                          ? json(policy.questions[static_cast<size_t>(policy.pathway_question)]
                                     .values[static_cast<size_t>(decision.pathway)]
                                     .code)
                          : json();

  json recorded = json::object();
  for (int q : recorded_questions(policy, answers, decision)) {
    const auto qi = static_cast<size_t>(q);
    recorded[policy.questions[qi].id] = {{"value", answer_value_json(policy.questions[qi],
                                                                     answers.slots[qi])},
                                         {"source", answer_source_name(answers.sources[qi])}};
  }
  record["answers"] = std::move(recorded);
  json unused = json::array();
  for (int q : decision.unused) {
    unused.push_back(policy.questions[static_cast<size_t>(q)].id);
  }
  record["unused"] = std::move(unused);

  json reasons = json::array();
  for (const Rule* r : decision.reasons) {
    reasons.push_back(rule_json(*r, true));
  }
  json notices = json::array();
  for (const Rule* r : decision.notices) {
    notices.push_back(rule_json(*r, false));
  }
  record["decision"] = {{"outcome", outcome_name(decision.outcome)},
                        {"reasons", std::move(reasons)},
                        {"notices", std::move(notices)},
                        {"warnings", decision.warnings}};

  if (action) {
    record["officer_action"] = {{"action", action_name(action->kind)},
                                {"reason", nullable(action->reason)}};
  } else {
    record["officer_action"] = nullptr;
  }

  if (decision.referral) {
    const Referral& r = *decision.referral;
    record["referral"] = {{"provider", r.provider},
                          {"contact", r.contact},
                          {"intake_deadline",
                           r.intake_deadline ? json(format_date(*r.intake_deadline)) : json()},
                          {"approver", nullable(r.approver)}};
  } else {
    record["referral"] = nullptr;
  }
  record["supersedes"] = ctx.supersedes ? json(*ctx.supersedes) : json();
  record["tool"] = {{"name", ctx.tool_name}, {"version", ctx.tool_version}};
  return record;
}

} // namespace divert
