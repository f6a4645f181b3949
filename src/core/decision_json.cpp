// SPDX-License-Identifier: Apache-2.0
#include "core/decision_json.hpp"

namespace divert {

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (c < 0x20) {
        out += "\\u00";
        out += k_hex[c >> 4];
        out += k_hex[c & 0xF];
      } else {
        out += ch;
      }
    }
  }
  out += '"';
}

static void append_ids(std::string& out, const Policy& policy, const std::vector<int>& ids) {
  out += '[';
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, policy.questions[static_cast<size_t>(ids[i])].id);
  }
  out += ']';
}

void append_decision_members(std::string& out, const Policy& policy, const Decision& d) {
  out += "\"schema\":\"divert.decision/1\",\"outcome\":\"";
  out += outcome_name(d.outcome);
  out += "\",\"pathway\":";
  if (d.pathway >= 0) {
    append_json_string(out, policy.questions[static_cast<size_t>(policy.pathway_question)]
                                .values[static_cast<size_t>(d.pathway)]
                                .code);
  } else {
    out += "null";
  }
  out += ",\"reasons\":[";
  for (size_t i = 0; i < d.reasons.size(); ++i) {
    const Rule& r = *d.reasons[i];
    if (i > 0) out += ',';
    out += "{\"rule\":";
    append_json_string(out, r.id);
    out += ",\"effect\":\"";
    out += effect_name(r.effect);
    out += "\",\"text\":";
    append_json_string(out, r.explain);
    out += ",\"citation\":";
    append_json_string(out, r.citation);
    out += '}';
  }
  out += "],\"notices\":[";
  for (size_t i = 0; i < d.notices.size(); ++i) {
    const Rule& r = *d.notices[i];
    if (i > 0) out += ',';
    out += "{\"rule\":";
    append_json_string(out, r.id);
    out += ",\"text\":";
    append_json_string(out, r.explain);
    out += ",\"citation\":";
    append_json_string(out, r.citation);
    out += '}';
  }
  out += "],\"missing\":";
  append_ids(out, policy, d.missing);
  out += ",\"unused\":";
  append_ids(out, policy, d.unused);
  out += ",\"warnings\":[";
  for (size_t i = 0; i < d.warnings.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, d.warnings[i]);
  }
  out += "],\"referral\":";
  if (d.referral) {
    out += "{\"provider\":";
    append_json_string(out, d.referral->provider);
    out += ",\"contact\":";
    append_json_string(out, d.referral->contact);
    out += ",\"intake_deadline\":";
    if (d.referral->intake_deadline) {
      append_json_string(out, format_date(*d.referral->intake_deadline));
    } else {
      out += "null";
    }
    out += ",\"approver\":";
    if (d.referral->approver.empty()) {
      out += "null";
    } else {
      append_json_string(out, d.referral->approver);
    }
    out += '}';
  } else {
    out += "null";
  }
  out += ",\"policy\":{\"id\":";
  append_json_string(out, policy.id);
  out += ",\"version\":";
  append_json_string(out, policy.version);
  out += ",\"status\":\"";
  out += status_name(policy.status);
  out += "\",\"sha256\":";
  append_json_string(out, policy.layers.empty() ? std::string() : policy.layers.back().sha256);
  out += '}';
}

std::string decision_json(const Policy& policy, const Decision& decision) {
  std::string out = "{";
  append_decision_members(out, policy, decision);
  out += '}';
  return out;
}

} // namespace divert
