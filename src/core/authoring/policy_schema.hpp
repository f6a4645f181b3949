// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace divert {

// The JSON Schema (draft-07) of the policy format: the bytes of
// schema/divert-policy.schema.json, built in by cmake/embed_text.cmake (one copy to edit).
const std::string& policy_schema_json();

} // namespace divert
