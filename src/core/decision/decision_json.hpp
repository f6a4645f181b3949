// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/evaluate.hpp"

#include <array>
#include <string>
#include <vector>

namespace divert {

// Appends `s` to `out` as a JSON string (quotes included).
void append_json_string(std::string& out, std::string_view s);

// Writes divert.decision/1 objects. Everything that depends only on the policy (each rule's
// reason and notice object, question ids, the policy member) is escaped once up front, so
// that writing a decision is mostly copying: batch writes one per input line.
class DecisionWriter {
public:
  // `with_layers`: the policy member also lists every layer, the vocabulary first, as
  // {"id", "version", "sha256", "file", "signed_by"} (decide --json: which file each layer was
  // loaded from, and the key that signed it, or null). batch leaves it out: its lines stay as
  // short as the contract makes them.
  explicit DecisionWriter(const Policy& policy, bool with_layers = false);

  // Appends the members of the decision object (without the braces), in the documented order.
  void append_members(std::string& out, const Decision& decision) const;

private:
  void append_referral(std::string& out, const Referral& referral) const;

  const Policy& m_policy;
  // Per outcome: "schema":...,"outcome":"...","pathway":
  std::array<std::string, 4> m_head;
  // Each list item below starts with the comma that separates it from the one before.
  std::vector<std::string> m_reason;   // per rule: {"rule","effect","text","citation"}
  std::vector<std::string> m_notice;   // per rule: {"rule","text","citation","basis","assumption"}
  std::vector<std::string> m_assumed;  // per rule: {"rule","basis","assumption"}
  std::vector<std::string> m_question; // per question: "id"
  std::vector<std::string> m_pathway;  // per pathway value: "code"
  std::vector<std::string> m_provider; // per provider: {"provider":..,"contact":..
  std::string m_policy_member;         // ,"policy":{...}
};

// A whole decision object on one line (`with_layers` as for DecisionWriter).
std::string decision_json(const Policy& policy, const Decision& decision, bool with_layers = false);

} // namespace divert
