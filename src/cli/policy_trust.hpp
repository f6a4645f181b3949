// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cli/config.hpp"

#include "core/record/allowed_signers.hpp"

#include <memory>
#include <optional>
#include <string>

namespace divert::cli {

// A laptop's policy trust list (`policy_trust` in its configuration): with it, decide, screen
// and batch use a policy layer only when FILE.sshsig is a good signature over the file's bytes
// by a key the list allows for the program (principal and namespace divert-policy-v1@<program
// id>) now.
struct PolicyTrust {
  AllowedSigners signers;
  std::string trust_file; // the allowed_signers file, as configured
  std::string program;    // the program id: principal and namespace suffix
  long long now = 0;      // when the keys must be valid
};

// The policy trust of `config`; null without `policy_trust`. KeyError (77) when the trust list
// cannot be read or no program id is known, InputError (65) for a malformed trust list.
std::shared_ptr<const PolicyTrust> policy_trust_of(const Config& config);

// The policy trust of this laptop's configuration, for decide and batch (which need no officer,
// key or records); null when there is no configuration or it names no `policy_trust`.
std::shared_ptr<const PolicyTrust> laptop_policy_trust();

// The fingerprint of the key whose good, trusted signature `display_name`.sshsig is over `text`
// (the bytes of the layer, as read once for use). KeyError (77) naming the layer otherwise.
std::string check_policy_layer(const PolicyTrust& trust, const std::string& path,
                               const std::string& display_name, const std::string& text);

// A trust list's time without 'Z' is local time, converted as OpenSSH converts it (mktime with
// tm_isdst 0), so that both read a line the same way.
std::optional<long long> openssh_local_time(int year, int month, int day, int hour, int minute,
                                            int second);

} // namespace divert::cli
