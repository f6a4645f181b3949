// SPDX-License-Identifier: Apache-2.0
#include "core/record/policy_signature.hpp"

#include "core/base/error.hpp"

#include <fmt/format.h>

namespace divert {

namespace {

// The signature's key and namespace once it is known to be a good signature over the bytes.
std::optional<SshsigInfo> verified(std::string_view bytes,
                                   const std::optional<std::string>& signature,
                                   PolicySignatureVerdict& verdict) {
  if (!signature) {
    verdict.problem = "it is not signed (no .sshsig file beside it)";
    return std::nullopt;
  }
  try {
    return sshsig_verify(*signature, bytes, "the policy file (changed since it was signed?)");
  } catch (const InputError& e) {
    verdict.problem =
        e.diagnostics().empty() ? std::string(e.what()) : e.diagnostics().front().message;
    return std::nullopt;
  }
}

} // namespace

std::string policy_namespace(std::string_view program_id) {
  return std::string(k_policy_namespace_prefix) + std::string(program_id);
}

PolicySignatureVerdict check_policy_signature(std::string_view policy_bytes,
                                              const std::optional<std::string>& signature,
                                              const AllowedSigners& trust,
                                              std::string_view program_id, long long now) {
  PolicySignatureVerdict verdict;
  const std::optional<SshsigInfo> info = verified(policy_bytes, signature, verdict);
  if (!info) {
    return verdict;
  }
  const std::string ns = policy_namespace(program_id);
  if (info->ns != ns) {
    verdict.problem = fmt::format("signed in namespace '{}', expected '{}'", info->ns, ns);
    return verdict;
  }
  const TrustVerdict trusted = trust.check(info->key, program_id, ns, now);
  if (!trusted.trusted) {
    verdict.problem = fmt::format("signed by {}, not trusted for program '{}': {}",
                                  info->key.fingerprint(), program_id, trusted.message);
    return verdict;
  }
  verdict.good = true;
  verdict.signed_by = info->key.fingerprint();
  return verdict;
}

PolicySignatureVerdict check_policy_signed_by(std::string_view policy_bytes,
                                              const std::optional<std::string>& signature,
                                              std::string_view signed_by) {
  PolicySignatureVerdict verdict;
  const std::optional<SshsigInfo> info = verified(policy_bytes, signature, verdict);
  if (!info) {
    return verdict;
  }
  if (!info->ns.starts_with(k_policy_namespace_prefix)) {
    verdict.problem = fmt::format("signed in namespace '{}', not a {}<program> namespace", info->ns,
                                  k_policy_namespace_prefix);
    return verdict;
  }
  verdict.signed_by = info->key.fingerprint();
  if (verdict.signed_by != signed_by) {
    verdict.problem =
        fmt::format("signed by {}, not by {} as the record says", verdict.signed_by, signed_by);
    return verdict;
  }
  verdict.good = true;
  return verdict;
}

} // namespace divert
