// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/evaluate.hpp"

#include <string>

namespace divert {

// Appends `s` to `out` as a JSON string (quotes included).
void append_json_string(std::string& out, std::string_view s);

// Appends the members of a divert.decision/1 object (without the braces), in the documented
// order. Written by hand rather than through a DOM: batch emits one per input line.
void append_decision_members(std::string& out, const Policy& policy, const Decision& decision);

// A whole decision object on one line.
std::string decision_json(const Policy& policy, const Decision& decision);

} // namespace divert
