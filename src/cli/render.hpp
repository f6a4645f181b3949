// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/evaluate.hpp"

#include <ostream>
#include <string>

namespace divert::cli {

// "" for an adopted policy; otherwise the sentence every use of the policy must show.
std::string status_warning(const Policy& policy);

// Says on `err` that a model or draft policy is being used (nothing for an adopted one), for
// output that is not for a person (JSON, batch).
void note_policy_status(std::ostream& err, const Policy& policy);

// The decision in plain words for an officer: outcome, each reason with its explanation and
// source, notices, what is still missing, and the hand-off details. Wrapped to 80 columns.
void render_decision(std::ostream& out, const Policy& policy, const Decision& decision,
                     bool color);

// Word-wraps `text` to `width` columns, every line prefixed by `indent`.
std::string wrap(std::string_view text, std::string_view indent, size_t width = 79);

} // namespace divert::cli
