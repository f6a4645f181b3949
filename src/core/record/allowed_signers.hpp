// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/record/sshsig.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace divert {

// OpenSSH match_pattern(): '*' matches any run of characters, '?' any one; case-sensitive.
bool match_pattern(std::string_view text, std::string_view pattern);

// OpenSSH match_pattern_list(): `patterns` is comma-separated, a leading '!' negates one.
// Returns 1 for a match, -1 when a negated pattern matches (that wins), 0 for no match.
int match_pattern_list(std::string_view text, std::string_view patterns);

// A local civil time (year, month, day, hour, minute, second, possibly out of range, such as
// February 31) as seconds since the epoch, the way OpenSSH converts one: mktime() with
// tm_isdst = 0. The front-end supplies it (the core does not read the time zone).
using LocalTimeToEpoch = std::function<std::optional<long long>(int, int, int, int, int, int)>;

// An allowed_signers time ("YYYYMMDD", "YYYYMMDDHHMM" or "YYYYMMDDHHMMSS", then 'Z' or "UTC",
// any case) as seconds since the epoch, read as OpenSSH reads it: a day up to 31 in any month
// and a second up to 61 roll over into the next, the epoch itself is refused. A time without
// the UTC suffix is the verifier's local time: converted with `local`, refused (nullopt with
// `why` set) without it.
std::optional<long long> parse_openssh_time(std::string_view text, std::string* why = nullptr,
                                            const LocalTimeToEpoch& local = {});

// "YYYYMMDDHHMMSSZ", as -Overify-time and valid-after/valid-before take it.
std::string format_openssh_time(long long seconds);

// One line of an allowed_signers file.
struct AllowedSigner {
  int line = 0;
  std::string principals; // the pattern list, unquoted
  std::optional<std::string> namespaces;
  std::optional<long long> valid_after;
  std::optional<long long> valid_before;
  std::string key_type;         // "ssh-ed25519", "ssh-rsa", ...
  std::optional<PublicKey> key; // set for ssh-ed25519 lines only
};

// Why a signature is or is not trusted, as found by AllowedSigners::check.
struct TrustVerdict {
  bool trusted = false;
  std::string check;   // "trust", "principal", "namespace" or "validity" when not trusted
  std::string message; // the reason, naming the line where one applies
  int line = 0;        // the line that granted trust
};

// An OpenSSH allowed_signers trust list (ssh-keygen(1), ALLOWED SIGNERS). Supported: principal
// patterns, namespaces=, valid-after=, valid-before=; any other option, including
// cert-authority, is an InputError naming its line, so that divert never accepts what
// `ssh-keygen -Y verify` would refuse or the reverse. Keys other than ssh-ed25519 are kept but
// can never match a divert signature.
class AllowedSigners {
public:
  // Throws InputError located at `display_name`:line:column for the first bad line. Times
  // without 'Z' are local time, converted with `local` (refused without it).
  static AllowedSigners parse(std::string_view text, const std::string& display_name,
                              const LocalTimeToEpoch& local = {});

  const std::vector<AllowedSigner>& entries() const { return m_entries; }

  // Whether `key` may sign as `principal` in namespace `ns` at `when` (seconds since the
  // epoch): some line lists a pattern matching the principal, has that key, permits the
  // namespace and is valid at `when` (valid-after <= when <= valid-before), as ssh-keygen
  // -Y verify -I principal -n ns -Overify-time=when decides.
  TrustVerdict check(const PublicKey& key, std::string_view principal, std::string_view ns,
                     long long when) const;

private:
  std::vector<AllowedSigner> m_entries;
};

} // namespace divert
