// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/base/dates.hpp"
#include "core/decision/answers.hpp"
#include "core/decision/evaluate.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace divert {

inline constexpr std::string_view k_record_schema = "divert.referral/1";
inline constexpr std::string_view k_namespace_prefix = "divert-referral-v1@";

// What the officer did with the decision. `reason` is required for decline and
// exception_requested, empty for refer.
enum class ActionKind { refer, decline, exception_requested };
const char* action_name(ActionKind kind);

struct OfficerAction {
  ActionKind kind = ActionKind::refer;
  std::string reason;
};

// Everything in a record that does not come from the policy, the answers or the decision: who,
// where, when, and the place in the device chain. Filled by the front-end.
struct RecordContext {
  std::string record_id;    // a ULID
  long long created_at = 0; // seconds since the epoch, UTC
  std::string agency_code;
  std::string agency_name; // empty: null in the record
  std::string officer_id;
  std::string key_fpr; // "SHA256:..." of the signing key
  std::string device_id;
  long long seq = 1;
  std::optional<std::string> prev_sha256; // null for seq 1
  std::optional<std::string> supersedes;  // the record_id this record corrects
  std::string tool_name = "divert";
  std::string tool_version;
};

// "divert-referral-v1@<agency code>": the SSHSIG namespace of an agency's records.
std::string record_namespace(std::string_view agency_code);
// "<officer-id>@<agency-code>": the principal in the trust list.
std::string officer_principal(std::string_view officer_id, std::string_view agency_code);

// Whether `id` can be an officer id, agency code or device id: 1 to 64 characters from
// [A-Za-z0-9._-], not starting with '.' or '-' (they appear in file names and principals).
bool is_safe_id(std::string_view id);

// The divert.referral/1 object for a decided case (record.md). `action` is null for an
// ineligible case where no exception was requested (there is nothing to refer or decline).
// Throws InputError for an incomplete decision.
nlohmann::json build_record(const Policy& policy, const Answers& answers, const Decision& decision,
                            const std::optional<OfficerAction>& action,
                            const RecordContext& context);

// The ids of the questions a record keeps: those asked in this case (visible, read by the
// policy, answered) and the record-only questions the policy declares, in policy order.
std::vector<int> recorded_questions(const Policy& policy, const Answers& answers,
                                    const Decision& decision);

// An answer as a JSON value: true/false, a choice code, a number, "YYYY-MM-DD", a list of
// {category, date}, or text.
nlohmann::json answer_value_json(const Question& question, const Slot& slot);

} // namespace divert
