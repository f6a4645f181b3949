// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/evaluate.hpp"

#include <array>
#include <cstdint>
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

// A DecisionWriter that remembers what it wrote. A batch's decisions repeat: on a corpus of
// random cases a few hundred combinations of outcome, pathway, reasons, notices, assumptions,
// missing and unused answers make nine in ten lines, and each writes about 1,300 bytes from
// about 25 fragments. The members are a function of those lists alone unless a decision has a
// warning or an intake deadline (both carry a date): such a decision is written afresh; the
// others are looked up by a key made of the lists (and the referral's texts) and, once
// written, kept while what is kept stays under `max_bytes`. 512 KiB (about 400 decisions of
// wa-whatcom, nine in ten lines of a random corpus) keeps memory bounded whatever the input;
// past it, the rest are written afresh.
class RememberingDecisionWriter {
public:
  explicit RememberingDecisionWriter(const Policy& policy, size_t max_bytes = size_t{1} << 19);

  // Appends exactly what DecisionWriter::append_members appends.
  void append_members(std::string& out, const Decision& decision);

  size_t remembered() const { return m_count; }

  // The hash of a decision's key of `size` numbers, which must be followed by three zeros; its
  // lowest bits pick the entry.
  static std::uint64_t key_hash(const std::uint16_t* key, size_t size);

private:
  struct Entry {
    std::uint64_t hash = 0;
    std::uint32_t key = 0;     // offset in m_keys
    std::uint32_t members = 0; // offset in m_texts; the referral's texts follow
    std::uint32_t key_size = 0;
    std::uint32_t members_size = 0; // 0: a free entry
    std::uint32_t referral_size = 0;
  };

  // The key of `decision` in m_key (its size returned) followed by three zeros, or 0 when its
  // members depend on more; its referral's texts in m_referral.
  size_t make_key(const Decision& decision);
  const Entry* find(std::uint64_t hash, size_t key_size) const;
  void remember(std::uint64_t hash, size_t key_size, std::string_view members);

  const Policy& m_policy;
  DecisionWriter m_writer;
  std::vector<Entry> m_entries; // open addressing, a power of two
  std::vector<std::uint16_t> m_keys;
  std::string m_texts;
  size_t m_count = 0;
  size_t m_max_bytes;
  bool m_keyable;                   // every rule and question index fits a key's 16-bit word
  std::vector<std::uint16_t> m_key; // scratch: the longest key and three zeros
  std::string m_referral;           // scratch: each text behind its four-byte size
};

// A whole decision object on one line (`with_layers` as for DecisionWriter).
std::string decision_json(const Policy& policy, const Decision& decision, bool with_layers = false);

} // namespace divert
