// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace divert {

// The JSON Schema (draft-07) of the policy format, exactly as committed in
// schema/divert-policy.schema.json (a unit test keeps the two identical).
const std::string& policy_schema_json();

} // namespace divert
