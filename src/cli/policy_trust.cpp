// SPDX-License-Identifier: Apache-2.0
#include "cli/policy_trust.hpp"

#include "cli/files.hpp"
#include "cli/io.hpp"
#include "cli/record_files.hpp"

#include "core/base/error.hpp"
#include "core/record/policy_signature.hpp"

#include <fmt/format.h>

#include <ctime>
#include <cstdlib>

namespace divert::cli {

std::optional<long long> openssh_local_time(int year, int month, int day, int hour, int minute,
                                            int second) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = 0;
  const std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<long long>(t);
}

std::shared_ptr<const PolicyTrust> policy_trust_of(const Config& config) {
  if (config.policy_trust.empty()) {
    return nullptr;
  }
  if (config.program_id().empty()) {
    throw KeyError(fmt::format("{} names a policy_trust but no 'program' (or 'agency'): the "
                               "policy signatures' namespace is divert-policy-v1@<program>",
                               config.path));
  }
  const std::optional<std::string> text = read_if_exists(config.policy_trust, "policy trust list");
  if (!text) {
    throw KeyError(fmt::format("the policy trust list {} (policy_trust in {}) does not exist",
                               config.policy_trust, config.path));
  }
  auto trust = std::make_shared<PolicyTrust>();
  trust->signers = AllowedSigners::parse(*text, config.policy_trust, openssh_local_time);
  trust->trust_file = config.policy_trust;
  trust->program = config.program_id();
  trust->now = now_seconds();
  return trust;
}

std::shared_ptr<const PolicyTrust> laptop_policy_trust() {
  // Without a home there is no configuration, so no trust list to honour.
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  if ((xdg == nullptr || *xdg != '/') && (home == nullptr || *home == '\0')) {
    return nullptr;
  }
  const std::optional<Config> config = read_config(default_config_path(config_store()), false);
  return config ? policy_trust_of(*config) : nullptr;
}

std::string check_policy_layer(const PolicyTrust& trust, const std::string& path,
                               const std::string& display_name, const std::string& text) {
  std::string problem;
  const std::optional<std::string> signature = read_signature_file(path + ".sshsig", problem);
  if (!problem.empty()) {
    throw KeyError(fmt::format("policy layer {}: its signature {}.sshsig cannot be used: {}",
                               display_name, display_name, problem));
  }
  const PolicySignatureVerdict verdict =
      check_policy_signature(text, signature, trust.signers, trust.program, trust.now);
  if (!verdict.good) {
    throw KeyError(fmt::format("policy layer {} refused: {} (policy_trust {} requires a good "
                               "signature by a key it trusts for program {}, namespace {})",
                               display_name, verdict.problem, trust.trust_file, trust.program,
                               policy_namespace(trust.program)));
  }
  return verdict.signed_by;
}

} // namespace divert::cli
