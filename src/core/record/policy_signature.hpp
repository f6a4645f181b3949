// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/record/allowed_signers.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace divert {

inline constexpr std::string_view k_policy_namespace_prefix = "divert-policy-v1@";

// "divert-policy-v1@<program id>": the SSHSIG namespace of the policies a program signs, so
// that a policy signature can never pass for a record's or another program's.
std::string policy_namespace(std::string_view program_id);

// Whether a policy file may be used, or still names the key that signed it.
struct PolicySignatureVerdict {
  bool good = false;
  std::string signed_by; // the signing key's SHA256: fingerprint, once the signature checks out
  std::string problem;   // why it is not good (no file names: the caller names the layer)
};

// A laptop's check of one policy layer before it is used: `signature` (the armored .sshsig,
// nullopt when there is none) is a good SSHSIG over exactly `policy_bytes`, in namespace
// policy_namespace(program_id), by a key that `trust` allows for principal `program_id` and
// that namespace at `now` -- what `ssh-keygen -Y verify -f TRUST -I <program id>
// -n divert-policy-v1@<program id>` accepts.
PolicySignatureVerdict check_policy_signature(std::string_view policy_bytes,
                                              const std::optional<std::string>& signature,
                                              const AllowedSigners& trust,
                                              std::string_view program_id, long long now);

// An auditor's check that a policy file still carries the signature a record names:
// `signature` is a good SSHSIG over `policy_bytes` by the key with fingerprint `signed_by`, in
// a divert-policy-v1@ namespace (the record does not name the program; the key does).
PolicySignatureVerdict check_policy_signed_by(std::string_view policy_bytes,
                                              const std::optional<std::string>& signature,
                                              std::string_view signed_by);

} // namespace divert
