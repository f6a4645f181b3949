// SPDX-License-Identifier: Apache-2.0
#include "cli/keys.hpp"

#include "cli/entropy.hpp"
#include "cli/private_files.hpp"
#include "cli/publish.hpp"

#include "core/base/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace divert::cli {

// An Ed25519 PKCS#8 PEM key is a few hundred bytes; anything far larger is not a key.
constexpr std::size_t k_max_key_bytes = 64 * 1024;

KeyFiles key_files(const std::string& dir, const std::string& officer, const std::string& agency) {
  const std::string stem = fmt::format("{}/{}@{}", dir, officer, agency);
  return {dir, stem + ".key.pem", stem + ".pub.pem", stem + ".pub"};
}

SigningKey new_signing_key(const std::string& label) {
  if (!deterministic_mode()) {
    return SigningKey::generate();
  }
  std::string seed = random_bytes(32, "key|" + label);
  SigningKey key =
      SigningKey::from_seed(std::span(reinterpret_cast<const unsigned char*>(seed.data()), 32));
  std::fill(seed.begin(), seed.end(), '\0');
  return key;
}

void write_key_files(const KeyFiles& files, const SigningKey& key, const Passphrase& passphrase,
                     const std::string& comment) {
  const PublicKey pub = key.public_key();
  auto base = [](const std::string& path) { return path.substr(path.find_last_of('/') + 1); };
  Passphrase pem(passphrase.empty() ? key.to_unencrypted_pem()
                                    : key.to_encrypted_pem(passphrase.text()));
  publish_files(files.dir, {{base(files.pub), pub.openssh(comment) + "\n", 0644},
                            {base(files.pub_pem), pub.pem(), 0644},
                            {base(files.key), pem.text(), 0600}});
}

SigningKey load_signing_key(const std::string& path, const UnlockOptions& unlock,
                            std::ostream& warnings) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw KeyError(fmt::format("cannot use the key {}: {}; make one with 'divert keygen'", path,
                               std::strerror(errno)));
  }
  std::string text;
  try {
    const RegularFile file(path, "the key", false);
    if (const std::string problem = privacy_problem(file.status(), "the key", path);
        !problem.empty()) {
      throw KeyError(problem);
    }
    text = file.read_all(k_max_key_bytes);
  } catch (const MissingInputError& e) {
    throw KeyError(e.what());
  }
  Passphrase text_guard(std::move(text));
  const std::string& key_text = text_guard.text();
  if (!SigningKey::needs_passphrase(key_text)) {
    return SigningKey::load(key_text);
  }
  // Before the passphrase is asked for: a key that will be refused needs none.
  const std::vector<std::string> weaknesses =
      key_protection_weaknesses(inspect_private_key_pem(key_text));
  if (!weaknesses.empty()) {
    throw KeyError(fmt::format(
        "the key {} is protected more weakly than divert keygen protects keys: {}; re-encrypt "
        "it (openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256 -iter {} -in {} -out "
        "NEW.key.pem) or make a new key with 'divert keygen'",
        path, fmt::join(weaknesses, ", "), k_pbkdf2_iterations, path));
  }
  Passphrase passphrase;
  if (!unlock.passphrase_file.empty()) {
    passphrase = read_passphrase_file(unlock.passphrase_file, warnings);
  } else if (unlock.may_prompt) {
    // The file name only: a full path can overflow an 80-column line.
    passphrase = prompt_passphrase(
        fmt::format("Passphrase for {}: ", std::filesystem::path(path).filename().string()));
  } else {
    throw KeyError(fmt::format("the key {} is encrypted and there is no terminal to ask for its "
                               "passphrase; give --passphrase-file FILE",
                               path));
  }
  try {
    return SigningKey::load(key_text, passphrase.text());
  } catch (const KeyError& e) {
    throw KeyError(fmt::format("{}: {}", path, e.what()));
  }
}

} // namespace divert::cli
