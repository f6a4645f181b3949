// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/policy/policy.hpp"
#include "core/base/yaml_doc.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace divert {

// A policy file's text, as read by the front-end (core never touches the filesystem).
struct PolicyText {
  std::string text;
  std::string display_name; // as shown in messages, e.g. "policies/wa-whatcom.yaml"
  std::string directory;    // where `extends` looks first
  std::shared_ptr<const YamlTreeCache> cache = nullptr; // optional: parsed trees by text hash
  // The fingerprint of the key whose signature over `text` the front-end checked, or empty;
  // kept in the layer (PolicyLayer::signed_by).
  std::string signed_by = {};
};

// Finds the text of a base layer named by `extends` (an id or a path), searching
// `from_directory` first. Returns nullopt when there is no such policy.
using PolicyResolver = std::function<std::optional<PolicyText>(const std::string& reference,
                                                               const std::string& from_directory)>;

// Loads a policy and every layer it extends, then type-checks every condition. Throws
// InputError holding every problem found, each located at file:line:col.
Policy load_policy(const PolicyText& top, const PolicyResolver& resolve);

// Notes the loader makes that are not errors but that lint reports (an override that changes
// nothing, and the like).
struct LoadNotes {
  std::vector<Diagnostic> findings;
};
Policy load_policy(const PolicyText& top, const PolicyResolver& resolve, LoadNotes& notes);

} // namespace divert
