// SPDX-License-Identifier: Apache-2.0
#include "core/decision/decision_json.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace divert {

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  size_t plain_from = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      continue;
    }
    out.append(s.data() + plain_from, i - plain_from);
    plain_from = i + 1;
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      out += "\\u00";
      out += k_hex[c >> 4];
      out += k_hex[c & 0xF];
    }
  }
  out.append(s.data() + plain_from, s.size() - plain_from);
  out += '"';
}

// ,"basis":...,"assumption":... (null where the rule states none)
static void append_basis(std::string& out, const Rule& r) {
  out += ",\"basis\":";
  if (r.basis == Basis::unstated) {
    out += "null";
  } else {
    out += '"';
    out += basis_name(r.basis);
    out += '"';
  }
  out += ",\"assumption\":";
  if (r.assumption.empty()) {
    out += "null";
  } else {
    append_json_string(out, r.assumption);
  }
}

namespace {

// What a rule shows where it appears in a decision: a reason adds its effect to a notice's
// text and citation; an assumption names only the rule and its basis.
enum class RuleMembers { reason, notice, assumption };

std::string rule_object(const Rule& r, RuleMembers members) {
  std::string out = "{\"rule\":";
  append_json_string(out, r.id);
  if (members == RuleMembers::reason) {
    out += ",\"effect\":\"";
    out += effect_name(r.effect);
    out += '"';
  }
  if (members != RuleMembers::assumption) {
    out += ",\"text\":";
    append_json_string(out, r.explain);
    out += ",\"citation\":";
    append_json_string(out, r.citation);
  }
  append_basis(out, r);
  out += '}';
  return out;
}

} // namespace

DecisionWriter::DecisionWriter(const Policy& policy, bool with_layers) : m_policy(policy) {
  for (const Outcome outcome :
       {Outcome::eligible, Outcome::ineligible, Outcome::needs_approval, Outcome::incomplete}) {
    m_head[static_cast<size_t>(outcome)] =
        std::string("\"schema\":\"divert.decision/1\",\"outcome\":\"") + outcome_name(outcome) +
        "\",\"pathway\":";
  }
  for (const Rule& r : policy.rules) {
    m_reason.push_back(',' + rule_object(r, RuleMembers::reason));
    m_notice.push_back(',' + rule_object(r, RuleMembers::notice));
    m_assumed.push_back(',' + rule_object(r, RuleMembers::assumption));
  }
  for (const Question& q : policy.questions) {
    std::string id = ",";
    append_json_string(id, q.id);
    m_question.push_back(std::move(id));
  }
  if (policy.pathway_question >= 0) {
    for (const ChoiceValue& v :
         policy.questions[static_cast<size_t>(policy.pathway_question)].values) {
      std::string code;
      append_json_string(code, v.code);
      m_pathway.push_back(std::move(code));
    }
  }
  for (const Provider& p : policy.providers) {
    std::string provider = "{\"provider\":";
    append_json_string(provider, p.name);
    provider += ",\"contact\":";
    append_json_string(provider, p.contact);
    m_provider.push_back(std::move(provider));
  }
  m_policy_member = ",\"policy\":{\"id\":";
  append_json_string(m_policy_member, policy.id);
  m_policy_member += ",\"version\":";
  append_json_string(m_policy_member, policy.version);
  m_policy_member += ",\"status\":\"";
  m_policy_member += status_name(policy.status);
  m_policy_member += "\",\"sha256\":";
  append_json_string(m_policy_member,
                     policy.layers.empty() ? std::string() : policy.layers.back().sha256);
  if (with_layers) {
    m_policy_member += ",\"layers\":[";
    for (const PolicyLayer& layer : policy.layers) {
      if (&layer != &policy.layers.front()) m_policy_member += ',';
      m_policy_member += "{\"id\":";
      append_json_string(m_policy_member, layer.id);
      m_policy_member += ",\"version\":";
      append_json_string(m_policy_member, layer.version);
      m_policy_member += ",\"sha256\":";
      append_json_string(m_policy_member, layer.sha256);
      m_policy_member += ",\"file\":";
      append_json_string(m_policy_member, layer.file);
      m_policy_member += ",\"signed_by\":";
      if (layer.signed_by.empty()) {
        m_policy_member += "null";
      } else {
        append_json_string(m_policy_member, layer.signed_by);
      }
      m_policy_member += '}';
    }
    m_policy_member += ']';
  }
  m_policy_member += '}';
}

namespace {

// `fragments[i]` for each i of `indices`, comma-separated: each fragment was stored with its
// leading comma, which the first one leaves out.
template <typename Index, typename ToSlot>
void append_list(std::string& out, const std::vector<Index>& indices,
                 const std::vector<std::string>& fragments, ToSlot to_slot) {
  for (size_t i = 0; i < indices.size(); ++i) {
    const std::string& fragment = fragments[to_slot(indices[i])];
    out.append(fragment, i == 0 ? 1 : 0);
  }
}

// YYYY-MM-DD in quotes, as format_date writes it, without a formatted string in between.
void append_quoted_date(std::string& out, Days day) {
  const CivilDate c = civil_from_days(day);
  if (c.year < 0 || c.year > 9999) {
    out += '"';
    out += format_date(day);
    out += '"';
    return;
  }
  const auto year = static_cast<unsigned>(c.year);
  const std::array<char, 12> text{'"',
                                  static_cast<char>('0' + year / 1000),
                                  static_cast<char>('0' + year / 100 % 10),
                                  static_cast<char>('0' + year / 10 % 10),
                                  static_cast<char>('0' + year % 10),
                                  '-',
                                  static_cast<char>('0' + c.month / 10),
                                  static_cast<char>('0' + c.month % 10),
                                  '-',
                                  static_cast<char>('0' + c.day / 10),
                                  static_cast<char>('0' + c.day % 10),
                                  '"'};
  out.append(text.data(), text.size());
}

} // namespace

// Mostly copies of the fragments escaped up front, each with its length known (no strlen).
void DecisionWriter::append_members(std::string& out, const Decision& d) const {
  using namespace std::string_view_literals;
  const auto rule_index = [&](const Rule* r) {
    return static_cast<size_t>(r - m_policy.rules.data());
  };
  const auto question_index = [](int q) { return static_cast<size_t>(q); };
  out += m_head[static_cast<size_t>(d.outcome)];
  out += d.pathway >= 0 ? m_pathway[static_cast<size_t>(d.pathway)] : "null"sv;
  out += ",\"reasons\":["sv;
  append_list(out, d.reasons, m_reason, rule_index);
  out += "],\"notices\":["sv;
  append_list(out, d.notices, m_notice, rule_index);
  out += "],\"assumptions\":["sv;
  append_list(out, d.assumed, m_assumed, rule_index);
  out += "],\"missing\":["sv;
  append_list(out, d.missing, m_question, question_index);
  out += "],\"unused\":["sv;
  append_list(out, d.unused, m_question, question_index);
  out += "],\"warnings\":["sv;
  for (size_t i = 0; i < d.warnings.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, d.warnings[i]);
  }
  out += "],\"referral\":"sv;
  if (d.referral) {
    append_referral(out, *d.referral);
  } else {
    out += "null"sv;
  }
  out += m_policy_member;
}

void DecisionWriter::append_referral(std::string& out, const Referral& referral) const {
  using namespace std::string_view_literals;
  const auto provider =
      std::find_if(m_policy.providers.begin(), m_policy.providers.end(),
                   [&](const Provider& p) { return p.name == referral.provider; });
  if (provider != m_policy.providers.end()) {
    out += m_provider[static_cast<size_t>(provider - m_policy.providers.begin())];
  } else {
    out += "{\"provider\":"sv;
    append_json_string(out, referral.provider);
    out += ",\"contact\":"sv;
    append_json_string(out, referral.contact);
  }
  out += ",\"intake_deadline\":"sv;
  if (referral.intake_deadline) {
    append_quoted_date(out, *referral.intake_deadline);
  } else {
    out += "null"sv;
  }
  out += ",\"approver\":"sv;
  if (referral.approver.empty()) {
    out += "null"sv;
  } else {
    // The approvers of the approval rules that hold, as evaluate() joined them.
    append_json_string(out, referral.approver);
  }
  out += '}';
}

RememberingDecisionWriter::RememberingDecisionWriter(const Policy& policy, size_t max_bytes)
    : m_policy(policy), m_writer(policy), m_entries(size_t{1} << 12), m_max_bytes(max_bytes),
      m_keyable(policy.rules.size() <= 0xFFFFu && policy.questions.size() <= 0xFFFFu),
      m_key(8 + 3 * policy.rules.size() + 2 * policy.questions.size() + 3) {}

// Every list led by its length, so that two different decisions never make one key. A
// referral's texts are kept apart: they are not indices.
size_t RememberingDecisionWriter::make_key(const Decision& d) {
  if (!m_keyable || !d.warnings.empty() || (d.referral && d.referral->intake_deadline)) return 0;
  std::uint16_t* at = m_key.data();
  *at++ = static_cast<std::uint16_t>(d.outcome);
  *at++ = static_cast<std::uint16_t>(d.pathway + 1);
  *at++ = d.referral ? 1 : 0;
  for (const std::vector<const Rule*>* rules : {&d.reasons, &d.notices, &d.assumed}) {
    *at++ = static_cast<std::uint16_t>(rules->size());
    for (const Rule* r : *rules) *at++ = static_cast<std::uint16_t>(r - m_policy.rules.data());
  }
  for (const std::vector<int>* questions : {&d.missing, &d.unused}) {
    *at++ = static_cast<std::uint16_t>(questions->size());
    for (const int q : *questions) *at++ = static_cast<std::uint16_t>(q);
  }
  m_referral.clear();
  if (d.referral) {
    for (const std::string* text :
         {&d.referral->provider, &d.referral->contact, &d.referral->approver}) {
      const auto size = static_cast<std::uint32_t>(text->size());
      m_referral.append(reinterpret_cast<const char*>(&size), sizeof size);
      m_referral += *text;
    }
  }
  const auto key_size = static_cast<size_t>(at - m_key.data());
  std::fill_n(at, 3, 0); // key_hash reads the key four numbers a step
  return key_size;
}

const RememberingDecisionWriter::Entry* RememberingDecisionWriter::find(std::uint64_t hash,
                                                                        size_t key_size) const {
  const size_t mask = m_entries.size() - 1;
  for (size_t at = hash & mask;; at = (at + 1) & mask) {
    const Entry& e = m_entries[at];
    if (e.members_size == 0) return nullptr;
    if (e.hash == hash && e.key_size == key_size && e.referral_size == m_referral.size() &&
        std::memcmp(m_keys.data() + e.key, m_key.data(), key_size * sizeof(std::uint16_t)) == 0 &&
        m_texts.compare(e.members + e.members_size, e.referral_size, m_referral) == 0) {
      return &e;
    }
  }
}

void RememberingDecisionWriter::remember(std::uint64_t hash, size_t key_size,
                                         std::string_view members) {
  const size_t bytes = m_texts.size() + members.size() + m_referral.size() +
                       (m_keys.size() + key_size) * sizeof(std::uint16_t);
  // Half the table at most is used, so that a miss ends soon.
  if (bytes > m_max_bytes || 2 * (m_count + 1) > m_entries.size() || members.empty()) return;
  const size_t mask = m_entries.size() - 1;
  size_t at = hash & mask;
  while (m_entries[at].members_size != 0) at = (at + 1) & mask;
  Entry& e = m_entries[at];
  e.hash = hash;
  e.key = static_cast<std::uint32_t>(m_keys.size());
  e.key_size = static_cast<std::uint32_t>(key_size);
  e.members = static_cast<std::uint32_t>(m_texts.size());
  e.members_size = static_cast<std::uint32_t>(members.size());
  e.referral_size = static_cast<std::uint32_t>(m_referral.size());
  m_keys.insert(m_keys.end(), m_key.begin(), m_key.begin() + static_cast<std::ptrdiff_t>(key_size));
  m_texts += members;
  m_texts += m_referral;
  ++m_count;
}

// Four of the key's numbers a step. A product's low bits depend only on its factors' low bits,
// so the last number of each four reaches the entry's bits (the lowest) only through the final
// mix (MurmurHash3's fmix64).
std::uint64_t RememberingDecisionWriter::key_hash(const std::uint16_t* key, size_t size) {
  std::uint64_t hash = 0x9E3779B97F4A7C15u;
  for (size_t i = 0; i < size; i += 4) {
    std::uint64_t word = 0;
    std::memcpy(&word, key + i, sizeof word);
    hash = (hash ^ word) * 0xFF51AFD7ED558CCDu;
  }
  hash ^= hash >> 33;
  hash *= 0xFF51AFD7ED558CCDu;
  hash ^= hash >> 33;
  hash *= 0xC4CEB9FE1A85EC53u;
  hash ^= hash >> 33;
  return hash;
}

void RememberingDecisionWriter::append_members(std::string& out, const Decision& d) {
  const size_t key_size = make_key(d);
  if (key_size == 0) {
    m_writer.append_members(out, d);
    return;
  }
  const std::uint64_t hash = key_hash(m_key.data(), key_size);
  if (const Entry* e = find(hash, key_size)) {
    out.append(m_texts, e->members, e->members_size);
    return;
  }
  const size_t start = out.size();
  m_writer.append_members(out, d);
  remember(hash, key_size, std::string_view(out).substr(start));
}

std::string decision_json(const Policy& policy, const Decision& decision, bool with_layers) {
  std::string out = "{";
  DecisionWriter(policy, with_layers).append_members(out, decision);
  out += '}';
  return out;
}

} // namespace divert
