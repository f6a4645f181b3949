// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cli/passphrase.hpp"

#include "core/record/sshsig.hpp"

#include <iosfwd>
#include <string>

namespace divert::cli {

// The three files of an officer's key, named "<officer>@<agency>" in `dir`.
struct KeyFiles {
  std::string dir;
  std::string key;     // .key.pem, the private key (0600)
  std::string pub_pem; // .pub.pem
  std::string pub;     // .pub, OpenSSH
};
KeyFiles key_files(const std::string& dir, const std::string& officer, const std::string& agency);

// A new Ed25519 key. In deterministic (test) mode it is derived from `label` instead.
SigningKey new_signing_key(const std::string& label);

// Writes the private key (encrypted with `passphrase` unless it is empty) and both public
// forms, all or nothing, never replacing an existing file (CannotCreateError, 73).
void write_key_files(const KeyFiles& files, const SigningKey& key, const Passphrase& passphrase,
                     const std::string& comment);

// How an encrypted key may be unlocked.
struct UnlockOptions {
  std::string passphrase_file; // first line; empty: none given
  bool may_prompt = false;     // ask on the terminal
};

// Loads the private key at `path` for signing. KeyError (77): no such file (naming divert
// keygen), not a regular file, not owned by this user or open to group or others, protected
// more weakly than keygen writes, encrypted with no way to get the passphrase, wrong
// passphrase, not a key. Warnings (a passphrase file others can read) go to `warnings`.
SigningKey load_signing_key(const std::string& path, const UnlockOptions& unlock,
                            std::ostream& warnings);

} // namespace divert::cli
