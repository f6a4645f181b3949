// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace divert {

// OWASP's 2023 floor for PBKDF2-HMAC-SHA256, and what record.md requires for key files.
inline constexpr int k_pbkdf2_iterations = 600000;

// An Ed25519 public key: 32 bytes, comparable, cheap to copy.
class PublicKey {
public:
  static constexpr std::size_t k_size = 32;

  // Throws InputError unless `bytes` is exactly 32 bytes.
  static PublicKey from_raw(std::span<const unsigned char> bytes);
  // "ssh-ed25519 AAAA... [comment]" as in a .pub file or an allowed_signers key field; surrounding
  // whitespace and a trailing newline are ignored. Throws InputError for anything else.
  static PublicKey from_openssh(std::string_view line);
  // PEM SubjectPublicKeyInfo ("-----BEGIN PUBLIC KEY-----"). Throws InputError.
  static PublicKey from_pem(std::string_view pem);

  const std::array<unsigned char, k_size>& raw() const { return m_raw; }
  // The SSH wire form: string "ssh-ed25519", string key.
  std::string ssh_blob() const;
  // "ssh-ed25519 AAAA..." plus " comment" when one is given; no newline.
  std::string openssh(std::string_view comment = {}) const;
  // PEM SubjectPublicKeyInfo with a trailing newline.
  std::string pem() const;
  // "SHA256:" + unpadded base64 of SHA-256(ssh_blob()), as ssh-keygen -l prints it.
  std::string fingerprint() const;
  // Checks a raw 64-byte Ed25519 signature; false for a wrong or malformed signature.
  bool verify(std::string_view message, std::string_view signature) const;

  friend bool operator==(const PublicKey&, const PublicKey&) = default;

private:
  std::array<unsigned char, k_size> m_raw{};
};

// An Ed25519 private key held by OpenSSL. Move-only; the key material is freed (and wiped by
// OpenSSL) with the object. Loading errors are KeyError (exit 77).
class SigningKey {
public:
  static SigningKey generate();
  // Unencrypted ("PRIVATE KEY") or encrypted ("ENCRYPTED PRIVATE KEY") PKCS#8 PEM. The passphrase is
  // used only for an encrypted key; a wrong one throws KeyError("wrong passphrase").
  static SigningKey from_pem(std::string_view pem, const std::string& passphrase = {});
  // The key of a 32-byte Ed25519 seed (RFC 8032's private key). KeyError for any other size.
  static SigningKey from_seed(std::span<const unsigned char> seed);
  // An unencrypted OpenSSH "openssh-key-v1" private key, as written by ssh-keygen -N ''.
  static SigningKey from_openssh(std::string_view text);
  // Either of the above, chosen by the PEM header.
  static SigningKey load(std::string_view text, const std::string& passphrase = {});
  // Whether load() will need a passphrase for `text` (callers prompt only then).
  static bool needs_passphrase(std::string_view text);

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();

  // PKCS#8 "ENCRYPTED PRIVATE KEY": PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC, random 16-byte salt.
  // `iterations` below the default is meant for tests only. Throws KeyError for an empty passphrase.
  std::string to_encrypted_pem(const std::string& passphrase,
                               int iterations = k_pbkdf2_iterations) const;
  // PKCS#8 "PRIVATE KEY", for users who ask for an unprotected key explicitly.
  std::string to_unencrypted_pem() const;

  PublicKey public_key() const;
  // The comment of an imported OpenSSH key, else empty.
  const std::string& comment() const;
  // A raw 64-byte Ed25519 signature over `message`.
  std::string sign(std::string_view message) const;

private:
  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

// How a PKCS#8 PEM private key is protected, read without the passphrase (for checks and tests).
struct KeyProtection {
  bool encrypted = false;
  std::string kdf;    // "pbkdf2" or the OpenSSL short name of another scheme; empty if unencrypted
  std::string prf;    // e.g. "hmacWithSHA256"
  std::string cipher; // e.g. "AES-256-CBC"
  long iterations = 0;
};
KeyProtection inspect_private_key_pem(std::string_view pem);

// How `protection` falls short of what keygen writes (PBES2, PBKDF2 with HMAC-SHA256 or a longer
// SHA-2, at least k_pbkdf2_iterations, AES-256), one phrase per weakness, such as
// "1 PBKDF2 iteration (at least 600000)"; empty when it does not, or when the key is not
// encrypted at all (which the user asked for explicitly).
std::vector<std::string> key_protection_weaknesses(const KeyProtection& protection);

// An armored OpenSSH SSHSIG signature ("-----BEGIN SSH SIGNATURE-----", base64 at 70 columns, LF)
// over `message` in namespace `ns`, with sha512: byte-identical to `ssh-keygen -Y sign -n ns`.
// Throws KeyError for an empty namespace.
std::string sshsig_sign(const SigningKey& key, std::string_view message, std::string_view ns);

struct SshsigInfo {
  PublicKey key;
  std::string ns;
  std::string hash_alg; // "sha256" or "sha512"
};

// Parses an armored SSHSIG and checks its Ed25519 signature over `message`. Trust (is this key
// allowed?) and the namespace are the caller's to check against the returned info.
// Throws InputError for malformed input or "signature does not match <signed>".
SshsigInfo sshsig_verify(std::string_view armored, std::string_view message,
                         std::string_view signed_thing = "the record");

} // namespace divert
