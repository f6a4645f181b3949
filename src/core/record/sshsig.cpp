// SPDX-License-Identifier: Apache-2.0
#include "core/record/sshsig.hpp"

#include "core/base/error.hpp"

#include <fmt/format.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <optional>
#include <utility>

namespace divert {

namespace {

// --- OpenSSL plumbing ---

template <auto Free> struct Deleter {
  template <typename T> void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using SigPtr = std::unique_ptr<X509_SIG, Deleter<X509_SIG_free>>;
using P8InfoPtr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, Deleter<PKCS8_PRIV_KEY_INFO_free>>;
using AlgorPtr = std::unique_ptr<X509_ALGOR, Deleter<X509_ALGOR_free>>;
using Pbe2ParamPtr = std::unique_ptr<PBE2PARAM, Deleter<PBE2PARAM_free>>;
using Pbkdf2ParamPtr = std::unique_ptr<PBKDF2PARAM, Deleter<PBKDF2PARAM_free>>;

// The first queued OpenSSL reason, for a message; empties the queue so that no stale error leaks
// into a later, unrelated failure.
std::string openssl_reason() {
  const unsigned long code = ERR_peek_error();
  std::string reason;
  if (code != 0) {
    const char* text = ERR_reason_error_string(code);
    reason = text != nullptr ? text : "unknown OpenSSL error";
  }
  ERR_clear_error();
  return reason;
}

std::string with_reason(std::string message) {
  if (const auto reason = openssl_reason(); !reason.empty()) {
    message += " (" + reason + ")";
  }
  return message;
}

// Secrets pass through std::string buffers; wipe them on every exit path.
class Wipe {
public:
  explicit Wipe(std::string& s) : m_s(s) {}
  Wipe(const Wipe&) = delete;
  Wipe& operator=(const Wipe&) = delete;
  ~Wipe() { OPENSSL_cleanse(m_s.data(), m_s.size()); }

private:
  std::string& m_s;
};

// A PEM callback that never supplies a password: without one, OpenSSL would prompt on the TTY
// when it meets an encrypted PEM header.
int refuse_password(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return -1; }

BioPtr read_bio(std::string_view text) {
  if (text.size() > static_cast<std::size_t>(INT_MAX)) {
    throw KeyError("key text is too large");
  }
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) {
    throw KeyError(with_reason("out of memory"));
  }
  return bio;
}

BioPtr write_bio() {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) {
    throw KeyError(with_reason("out of memory"));
  }
  return bio;
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : std::string();
}

std::string digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out, &size, md, nullptr) != 1) {
    throw KeyError(with_reason("hashing failed"));
  }
  return std::string(reinterpret_cast<const char*>(out), size);
}

// --- base64 (RFC 4648, with padding) ---

constexpr char k_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view data, bool pad = true) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(data[k]));
  };
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int shift = 18; shift >= 0; shift -= 6) {
      out.push_back(k_b64[(v >> shift) & 0x3F]);
    }
  }
  if (const std::size_t rest = data.size() - i; rest > 0) {
    const std::uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out.push_back(k_b64[(v >> 18) & 0x3F]);
    out.push_back(k_b64[(v >> 12) & 0x3F]);
    if (rest == 2) {
      out.push_back(k_b64[(v >> 6) & 0x3F]);
    }
    if (pad) {
      out.append(rest == 1 ? "==" : "=");
    }
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// What C's isspace() takes in the C locale: OpenSSH's base64 decoder (b64_pton) skips these.
bool is_c_space(char c) { return is_space(c) || c == '\v' || c == '\f'; }

// Decoding as OpenSSH's b64_pton does, so that both accept the same files: whitespace anywhere is
// skipped; anything else outside the alphabet, a bad length, misplaced padding or padding bits
// that are not zero (a hidden channel) gives nullopt.
std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  int symbols = 0;
  int padding = 0;
  for (const char c : text) {
    if (is_c_space(c)) {
      continue;
    }
    if (c == '=') {
      ++padding;
      ++symbols;
      continue;
    }
    const char* pos = std::find(k_b64, k_b64 + 64, c);
    if (pos == k_b64 + 64 || padding > 0) {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(pos - k_b64);
    bits += 6;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (symbols % 4 != 0 || padding > 2 || (acc & ((1U << bits) - 1)) != 0) {
    return std::nullopt;
  }
  return out;
}

// --- SSH wire format (RFC 4251 §5) ---

void put_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
  }
}

void put_string(std::string& out, std::string_view s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

// Reads a wire-format buffer; every read fails with `Exception(m_what + ": truncated")`.
template <typename Exception> class WireReader {
public:
  WireReader(std::string_view data, std::string what) : m_data(data), m_what(std::move(what)) {}

  std::uint32_t u32() {
    const auto bytes = take(4);
    std::uint32_t v = 0;
    for (const char c : bytes) {
      v = (v << 8) | static_cast<unsigned char>(c);
    }
    return v;
  }
  std::string_view string() { return take(u32()); }
  std::string_view take(std::size_t n) {
    if (m_data.size() < n) {
      throw Exception(m_what + ": truncated");
    }
    const auto out = m_data.substr(0, n);
    m_data.remove_prefix(n);
    return out;
  }
  std::string_view rest() const { return m_data; }
  void expect_end() const {
    if (!m_data.empty()) {
      throw Exception(m_what + ": unexpected trailing data");
    }
  }

private:
  std::string_view m_data;
  std::string m_what;
};

constexpr std::string_view k_ed25519 = "ssh-ed25519";

// The label of the first PEM block in `text`: "PRIVATE KEY" for "-----BEGIN PRIVATE KEY-----".
std::string_view pem_label(std::string_view text) {
  constexpr std::string_view begin = "-----BEGIN ";
  const auto start = text.find(begin);
  if (start == std::string_view::npos) {
    return {};
  }
  const auto label_start = start + begin.size();
  const auto end = text.find("-----", label_start);
  return end == std::string_view::npos ? std::string_view{}
                                       : text.substr(label_start, end - label_start);
}

PublicKey public_key_of(EVP_PKEY* pkey) {
  std::array<unsigned char, PublicKey::k_size> raw{};
  std::size_t size = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey, raw.data(), &size) != 1 || size != raw.size()) {
    throw KeyError(with_reason("cannot read the Ed25519 public key"));
  }
  return PublicKey::from_raw(raw);
}

PkeyPtr require_ed25519(PkeyPtr pkey, std::string_view what) {
  if (!pkey) {
    throw KeyError(with_reason("cannot read " + std::string(what)));
  }
  if (EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519) {
    const char* type = EVP_PKEY_get0_type_name(pkey.get());
    throw KeyError(std::string(what) + " is of type " + (type != nullptr ? type : "unknown") +
                   "; divert signs with Ed25519 keys only");
  }
  return pkey;
}

// After a failed PKCS8_decrypt: a KeyError that says "wrong passphrase" when the queued errors show
// a failed CBC padding check, or (1 time in 256) garbage that pads correctly but does not decode;
// anything else (say, an unsupported cipher) keeps OpenSSL's reason.
KeyError decrypt_failure() {
  std::string first_reason;
  bool wrong_passphrase = false;
  for (unsigned long code = 0; (code = ERR_get_error()) != 0;) {
    const int lib = ERR_GET_LIB(code);
    const int reason = ERR_GET_REASON(code);
    if (first_reason.empty()) {
      const char* text = ERR_reason_error_string(code);
      first_reason = text != nullptr ? text : "unknown OpenSSL error";
    }
    if ((lib == ERR_LIB_EVP && reason == EVP_R_BAD_DECRYPT) ||
        (lib == ERR_LIB_PKCS12 && reason == PKCS12_R_PKCS12_CIPHERFINAL_ERROR) ||
        (lib == ERR_LIB_PKCS12 && reason == PKCS12_R_DECODE_ERROR) || lib == ERR_LIB_ASN1) {
      wrong_passphrase = true;
    }
  }
  if (wrong_passphrase) {
    return KeyError("wrong passphrase");
  }
  return KeyError("cannot decrypt the private key" +
                  (first_reason.empty() ? "" : " (" + first_reason + ")"));
}

} // namespace

// --- PublicKey ---

PublicKey PublicKey::from_raw(std::span<const unsigned char> bytes) {
  if (bytes.size() != k_size) {
    throw InputError("an Ed25519 public key has 32 bytes, not " + std::to_string(bytes.size()));
  }
  PublicKey key;
  std::copy(bytes.begin(), bytes.end(), key.m_raw.begin());
  return key;
}

PublicKey PublicKey::from_openssh(std::string_view line) {
  while (!line.empty() && is_space(line.front())) {
    line.remove_prefix(1);
  }
  const auto type_end = std::find_if(line.begin(), line.end(), is_space) - line.begin();
  const auto type = line.substr(0, static_cast<std::size_t>(type_end));
  if (type != k_ed25519) {
    throw InputError("unsupported public key type \"" + std::string(type.substr(0, 40)) +
                     "\"; divert uses ssh-ed25519 keys");
  }
  auto rest = line.substr(static_cast<std::size_t>(type_end));
  while (!rest.empty() && is_space(rest.front())) {
    rest.remove_prefix(1);
  }
  const auto b64 =
      rest.substr(0, static_cast<std::size_t>(std::find_if(rest.begin(), rest.end(), is_space) -
                                              rest.begin()));
  const auto blob = base64_decode(b64);
  if (!blob || b64.empty()) {
    throw InputError("ssh-ed25519 public key: invalid base64");
  }
  WireReader<InputError> reader(*blob, "ssh-ed25519 public key");
  if (reader.string() != k_ed25519) {
    throw InputError("ssh-ed25519 public key: the encoded key type is not ssh-ed25519");
  }
  const auto raw = reader.string();
  reader.expect_end();
  return from_raw(std::span(reinterpret_cast<const unsigned char*>(raw.data()), raw.size()));
}

PublicKey PublicKey::from_pem(std::string_view pem) {
  const auto bio = read_bio(pem);
  PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, refuse_password, nullptr));
  if (!pkey) {
    throw InputError(with_reason("not a PEM public key"));
  }
  if (EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519) {
    throw InputError("the PEM public key is not an Ed25519 key");
  }
  try {
    return public_key_of(pkey.get());
  } catch (const KeyError& e) {
    throw InputError(e.what());
  }
}

std::string PublicKey::ssh_blob() const {
  std::string blob;
  put_string(blob, k_ed25519);
  put_string(blob, std::string_view(reinterpret_cast<const char*>(m_raw.data()), m_raw.size()));
  return blob;
}

std::string PublicKey::openssh(std::string_view comment) const {
  std::string line = std::string(k_ed25519) + " " + base64_encode(ssh_blob());
  if (!comment.empty()) {
    line += " ";
    line += comment;
  }
  return line;
}

std::string PublicKey::pem() const {
  PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, m_raw.data(), m_raw.size()));
  if (!pkey) {
    throw KeyError(with_reason("cannot encode the public key"));
  }
  const auto bio = write_bio();
  if (PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) {
    throw KeyError(with_reason("cannot encode the public key"));
  }
  return bio_contents(bio.get());
}

std::string PublicKey::fingerprint() const {
  // ssh-keygen prints the hash in base64 with the padding removed.
  return "SHA256:" + base64_encode(digest(EVP_sha256(), ssh_blob()), false);
}

bool PublicKey::verify(std::string_view message, std::string_view signature) const {
  if (signature.size() != 64) {
    return false;
  }
  PkeyPtr pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, m_raw.data(), m_raw.size()));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!pkey || !ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) {
    throw KeyError(with_reason("cannot set up Ed25519 verification"));
  }
  // Ed25519 is one-shot only: EVP_DigestVerifyUpdate is not supported for it.
  const int rc =
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size());
  ERR_clear_error();
  return rc == 1;
}

// --- SigningKey ---

struct SigningKey::Impl {
  PkeyPtr pkey;
  std::string comment;
};

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

SigningKey SigningKey::generate() {
  PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!pkey) {
    throw KeyError(with_reason("cannot generate an Ed25519 key"));
  }
  return SigningKey(std::make_unique<Impl>(Impl{std::move(pkey), {}}));
}

bool SigningKey::needs_passphrase(std::string_view text) {
  return pem_label(text) == "ENCRYPTED PRIVATE KEY";
}

SigningKey SigningKey::load(std::string_view text, const std::string& passphrase) {
  if (pem_label(text) == "OPENSSH PRIVATE KEY") {
    return from_openssh(text);
  }
  return from_pem(text, passphrase);
}

SigningKey SigningKey::from_pem(std::string_view pem, const std::string& passphrase) {
  const auto label = pem_label(pem);
  const auto bio = read_bio(pem);
  P8InfoPtr info;
  if (label == "ENCRYPTED PRIVATE KEY") {
    if (passphrase.empty()) {
      throw KeyError("the private key is encrypted: a passphrase is required");
    }
    if (passphrase.size() > static_cast<std::size_t>(INT_MAX)) {
      throw KeyError("passphrase is too long");
    }
    SigPtr sig(PEM_read_bio_PKCS8(bio.get(), nullptr, refuse_password, nullptr));
    if (!sig) {
      throw KeyError(with_reason("cannot read the encrypted private key"));
    }
    ERR_clear_error();
    info.reset(PKCS8_decrypt(sig.get(), passphrase.data(), static_cast<int>(passphrase.size())));
    if (!info) {
      throw decrypt_failure();
    }
  } else if (label == "PRIVATE KEY") {
    info.reset(PEM_read_bio_PKCS8_PRIV_KEY_INFO(bio.get(), nullptr, refuse_password, nullptr));
    if (!info) {
      throw KeyError(with_reason("cannot read the private key"));
    }
  } else if (label == "OPENSSH PRIVATE KEY") {
    throw KeyError("this is an OpenSSH private key, not PKCS#8 PEM; import it instead");
  } else if (label.empty()) {
    throw KeyError("not a PEM private key (no \"-----BEGIN\" line)");
  } else {
    throw KeyError("unsupported private key format \"" + std::string(label.substr(0, 40)) +
                   "\"; expected PKCS#8 (\"PRIVATE KEY\" or \"ENCRYPTED PRIVATE KEY\")");
  }
  PkeyPtr pkey = require_ed25519(PkeyPtr(EVP_PKCS82PKEY(info.get())), "the private key");
  return SigningKey(std::make_unique<Impl>(Impl{std::move(pkey), {}}));
}

namespace {

PkeyPtr pkey_from_seed(std::span<const unsigned char> seed, const std::string& what) {
  if (seed.size() != 32) {
    throw KeyError(what + ": an ed25519 seed is 32 bytes");
  }
  PkeyPtr pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!pkey) {
    throw KeyError(with_reason(what + ": cannot load the ed25519 key"));
  }
  return pkey;
}

} // namespace

SigningKey SigningKey::from_seed(std::span<const unsigned char> seed) {
  return SigningKey(std::make_unique<Impl>(Impl{pkey_from_seed(seed, "the key seed"), {}}));
}

SigningKey SigningKey::from_openssh(std::string_view text) {
  constexpr std::string_view begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
  constexpr std::string_view end = "-----END OPENSSH PRIVATE KEY-----";
  const auto b = text.find(begin);
  const auto e = b == std::string_view::npos ? b : text.find(end, b);
  if (b == std::string_view::npos || e == std::string_view::npos) {
    throw KeyError("not an OpenSSH private key (no \"-----BEGIN OPENSSH PRIVATE KEY-----\" block)");
  }
  auto decoded = base64_decode(text.substr(b + begin.size(), e - b - begin.size()));
  if (!decoded) {
    throw KeyError("OpenSSH private key: invalid base64");
  }
  const Wipe wipe_decoded(*decoded);
  constexpr std::string_view magic{"openssh-key-v1\0", 15};
  const std::string what = "OpenSSH private key";
  if (!std::string_view(*decoded).starts_with(magic)) {
    throw KeyError(what + ": not in openssh-key-v1 format");
  }
  WireReader<KeyError> outer(std::string_view(*decoded).substr(magic.size()), what);
  const auto cipher = outer.string();
  const auto kdf = outer.string();
  outer.string(); // kdf options
  if (cipher != "none" || kdf != "none") {
    throw KeyError(what + " is encrypted; decrypt a copy first with `ssh-keygen -p -N '' -f COPY` "
                          "and import that (then delete it)");
  }
  if (outer.u32() != 1) {
    throw KeyError(what + ": the file must hold exactly one key");
  }
  const auto public_blob = outer.string();
  const auto private_section = outer.string();
  outer.expect_end();
  // Unencrypted sections are still padded to the 8-byte "cipher" block size.
  if (private_section.size() % 8 != 0) {
    throw KeyError(what + ": bad padding");
  }
  WireReader<KeyError> inner(private_section, what);
  if (inner.u32() != inner.u32()) {
    throw KeyError(what + ": corrupt (check values differ)");
  }
  const auto type = inner.string();
  if (type != k_ed25519) {
    throw KeyError(what + " is of type \"" + std::string(type.substr(0, 40)) +
                   "\"; divert signs with ssh-ed25519 keys only");
  }
  const auto public_raw = inner.string();
  const auto secret = inner.string();
  const auto comment = inner.string();
  const auto padding = inner.rest();
  for (std::size_t i = 0; i < padding.size(); ++i) {
    if (static_cast<unsigned char>(padding[i]) != i + 1) {
      throw KeyError(what + ": bad padding");
    }
  }
  // OpenSSH stores the 32-byte seed followed by the public key.
  if (public_raw.size() != 32 || secret.size() != 64 || secret.substr(32) != public_raw) {
    throw KeyError(what + ": corrupt ed25519 key");
  }
  PkeyPtr pkey =
      pkey_from_seed(std::span(reinterpret_cast<const unsigned char*>(secret.data()), 32), what);
  const PublicKey derived = public_key_of(pkey.get());
  if (derived.ssh_blob() != public_blob ||
      !std::equal(public_raw.begin(), public_raw.end(), derived.raw().begin(), derived.raw().end(),
                  [](char a, unsigned char c) { return static_cast<unsigned char>(a) == c; })) {
    throw KeyError(what + ": the public key does not belong to the private key");
  }
  return SigningKey(std::make_unique<Impl>(Impl{std::move(pkey), std::string(comment)}));
}

std::string SigningKey::to_encrypted_pem(const std::string& passphrase, int iterations) const {
  if (passphrase.empty()) {
    throw KeyError("an encrypted key needs a non-empty passphrase");
  }
  if (passphrase.size() > static_cast<std::size_t>(INT_MAX) || iterations < 1) {
    throw KeyError("invalid passphrase length or iteration count");
  }
  P8InfoPtr info(EVP_PKEY2PKCS8(m_impl->pkey.get()));
  unsigned char salt[16];
  if (!info || RAND_bytes(salt, sizeof salt) != 1) {
    throw KeyError(with_reason("cannot encrypt the private key"));
  }
  // Built by hand because PKCS8_encrypt and PEM_write_bio_PKCS8PrivateKey choose the PRF and
  // iteration count themselves (2048 iterations); record.md requires PBKDF2-HMAC-SHA256 at 600k.
  AlgorPtr pbe(PKCS5_pbe2_set_iv_ex(EVP_aes_256_cbc(), iterations, salt, sizeof salt, nullptr,
                                    NID_hmacWithSHA256, nullptr));
  if (!pbe) {
    throw KeyError(with_reason("cannot set up key encryption"));
  }
  SigPtr sig(PKCS8_set0_pbe(passphrase.data(), static_cast<int>(passphrase.size()), info.get(),
                            pbe.get()));
  if (!sig) {
    throw KeyError(with_reason("cannot encrypt the private key"));
  }
  static_cast<void>(pbe.release()); // now owned by sig
  const auto bio = write_bio();
  if (PEM_write_bio_PKCS8(bio.get(), sig.get()) != 1) {
    throw KeyError(with_reason("cannot encode the private key"));
  }
  return bio_contents(bio.get());
}

std::string SigningKey::to_unencrypted_pem() const {
  P8InfoPtr info(EVP_PKEY2PKCS8(m_impl->pkey.get()));
  const auto bio = write_bio();
  if (!info || PEM_write_bio_PKCS8_PRIV_KEY_INFO(bio.get(), info.get()) != 1) {
    throw KeyError(with_reason("cannot encode the private key"));
  }
  return bio_contents(bio.get());
}

PublicKey SigningKey::public_key() const { return public_key_of(m_impl->pkey.get()); }

const std::string& SigningKey::comment() const { return m_impl->comment; }

std::string SigningKey::sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, m_impl->pkey.get()) != 1) {
    throw KeyError(with_reason("cannot set up Ed25519 signing"));
  }
  std::string signature(64, '\0');
  std::size_t size = signature.size();
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      size != 64) {
    throw KeyError(with_reason("Ed25519 signing failed"));
  }
  return signature;
}

// --- key protection ---

KeyProtection inspect_private_key_pem(std::string_view pem) {
  const auto label = pem_label(pem);
  if (label == "PRIVATE KEY") {
    return KeyProtection{};
  }
  if (label != "ENCRYPTED PRIVATE KEY") {
    throw KeyError("not a PKCS#8 PEM private key");
  }
  const auto bio = read_bio(pem);
  SigPtr sig(PEM_read_bio_PKCS8(bio.get(), nullptr, refuse_password, nullptr));
  if (!sig) {
    throw KeyError(with_reason("cannot read the encrypted private key"));
  }
  const X509_ALGOR* alg = nullptr;
  X509_SIG_get0(sig.get(), &alg, nullptr);
  KeyProtection out;
  out.encrypted = true;
  const auto short_name = [](const ASN1_OBJECT* obj) {
    const char* name = OBJ_nid2sn(OBJ_obj2nid(obj));
    return std::string(name != nullptr ? name : "unknown");
  };
  if (OBJ_obj2nid(alg->algorithm) != NID_pbes2) {
    out.kdf = short_name(alg->algorithm);
    return out;
  }
  Pbe2ParamPtr pbe2(static_cast<PBE2PARAM*>(
      ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter)));
  if (!pbe2) {
    throw KeyError(with_reason("corrupt PBES2 parameters"));
  }
  out.cipher = short_name(pbe2->encryption->algorithm);
  if (OBJ_obj2nid(pbe2->keyfunc->algorithm) != NID_id_pbkdf2) {
    out.kdf = short_name(pbe2->keyfunc->algorithm);
    return out;
  }
  out.kdf = "pbkdf2";
  Pbkdf2ParamPtr kdf(static_cast<PBKDF2PARAM*>(
      ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter)));
  if (!kdf) {
    throw KeyError(with_reason("corrupt PBKDF2 parameters"));
  }
  // RFC 8018 makes HMAC-SHA1 the PRF when none is given.
  out.prf = kdf->prf != nullptr ? short_name(kdf->prf->algorithm) : std::string("hmacWithSHA1");
  std::int64_t iterations = 0;
  if (ASN1_INTEGER_get_int64(&iterations, kdf->iter) != 1) {
    throw KeyError(with_reason("corrupt PBKDF2 iteration count"));
  }
  out.iterations = static_cast<long>(iterations);
  return out;
}

std::vector<std::string> key_protection_weaknesses(const KeyProtection& protection) {
  std::vector<std::string> weaknesses;
  if (!protection.encrypted) {
    return weaknesses;
  }
  if (protection.cipher.empty()) {
    // PBES1: a single-DES, RC2 or 3DES scheme with its own key derivation.
    weaknesses.push_back(fmt::format("PBES1 encryption ({}) instead of PBES2", protection.kdf));
    return weaknesses;
  }
  if (protection.kdf != "pbkdf2") {
    weaknesses.push_back(fmt::format("{} key derivation instead of PBKDF2", protection.kdf));
  } else {
    if (protection.prf != "hmacWithSHA256" && protection.prf != "hmacWithSHA384" &&
        protection.prf != "hmacWithSHA512") {
      weaknesses.push_back(fmt::format("PBKDF2 with {} instead of hmacWithSHA256", protection.prf));
    }
    if (protection.iterations < k_pbkdf2_iterations) {
      weaknesses.push_back(fmt::format("{} PBKDF2 iteration{} (at least {})", protection.iterations,
                                       protection.iterations == 1 ? "" : "s", k_pbkdf2_iterations));
    }
  }
  if (!protection.cipher.starts_with("AES-256-")) {
    weaknesses.push_back(fmt::format("{} encryption instead of AES-256", protection.cipher));
  }
  return weaknesses;
}

// --- SSHSIG (OpenSSH PROTOCOL.sshsig) ---

namespace {

constexpr std::string_view k_magic = "SSHSIG";
constexpr std::string_view k_armor_begin = "-----BEGIN SSH SIGNATURE-----";
constexpr std::string_view k_armor_end = "-----END SSH SIGNATURE-----";

const EVP_MD* sshsig_hash(std::string_view name) {
  if (name == "sha512") {
    return EVP_sha512();
  }
  if (name == "sha256") {
    return EVP_sha256();
  }
  return nullptr;
}

// What the key actually signs: the message is bound to the namespace through its hash.
std::string signed_data(std::string_view ns, std::string_view hash_alg,
                        std::string_view message_hash) {
  std::string data(k_magic);
  put_string(data, ns);
  put_string(data, ""); // reserved
  put_string(data, hash_alg);
  put_string(data, message_hash);
  return data;
}

} // namespace

std::string sshsig_sign(const SigningKey& key, std::string_view message, std::string_view ns) {
  if (ns.empty()) {
    throw KeyError("an SSHSIG namespace must not be empty");
  }
  constexpr std::string_view hash_alg = "sha512";
  const std::string signature = key.sign(signed_data(ns, hash_alg, digest(EVP_sha512(), message)));
  std::string signature_blob;
  put_string(signature_blob, k_ed25519);
  put_string(signature_blob, signature);

  std::string blob(k_magic);
  put_u32(blob, 1); // SIG_VERSION
  put_string(blob, key.public_key().ssh_blob());
  put_string(blob, ns);
  put_string(blob, ""); // reserved
  put_string(blob, hash_alg);
  put_string(blob, signature_blob);

  // ssh-keygen wraps at 70 columns and always ends the base64 with a newline.
  const std::string b64 = base64_encode(blob);
  std::string out = std::string(k_armor_begin) + "\n";
  for (std::size_t i = 0; i < b64.size(); i += 70) {
    out.append(b64, i, 70);
    out.push_back('\n');
  }
  out += k_armor_end;
  out.push_back('\n');
  return out;
}

namespace {

// A wire string that OpenSSH reads as a C string (sshbuf_get_cstring): a NUL is allowed only as
// its last byte, which is dropped.
std::string_view c_string(std::string_view s, const std::string& what) {
  const auto nul = s.find('\0');
  if (nul == std::string_view::npos) return s;
  if (nul + 1 != s.size()) {
    throw InputError(what + ": a text field holds a NUL byte");
  }
  return s.substr(0, nul);
}

} // namespace

SshsigInfo sshsig_verify(std::string_view armored, std::string_view message,
                         std::string_view signed_thing) {
  // Mirrors OpenSSH's sshsig_dearmor, so that both accept the same files: the header line with LF
  // first, then everything up to "\n" + footer; what follows the footer is ignored.
  const std::string begin_line = std::string(k_armor_begin) + "\n";
  if (!armored.starts_with(begin_line)) {
    if (armored.starts_with(std::string(k_armor_begin) + "\r\n")) {
      throw InputError("SSH signature has CRLF line endings; OpenSSH rejects these, convert to LF");
    }
    throw InputError("not an SSH signature (missing \"-----BEGIN SSH SIGNATURE-----\" line)");
  }
  const auto body_start = begin_line.size();
  const auto footer = armored.find("\n" + std::string(k_armor_end), body_start - 1);
  if (footer == std::string_view::npos) {
    throw InputError("SSH signature: missing \"-----END SSH SIGNATURE-----\" line");
  }
  std::string_view body = armored.substr(body_start, footer > body_start ? footer - body_start : 0);
  if (body.ends_with('\0')) {
    body.remove_suffix(1); // OpenSSH reads the body as a C string: one NUL may end it
  }
  const auto blob = base64_decode(body);
  if (!blob || blob->empty()) {
    throw InputError("SSH signature: invalid base64");
  }
  const std::string what = "SSH signature";
  WireReader<InputError> reader(*blob, what);
  if (reader.take(k_magic.size()) != k_magic) {
    throw InputError(what + ": bad magic (not an SSHSIG)");
  }
  // OpenSSH refuses only versions above its own (1).
  if (const auto version = reader.u32(); version > 1) {
    throw InputError(what + ": unsupported version " + std::to_string(version));
  }
  const auto public_blob = reader.string();
  SshsigInfo info{PublicKey{}, std::string(c_string(reader.string(), what)), {}};
  reader.string(); // reserved
  info.hash_alg = std::string(c_string(reader.string(), what));
  const auto signature_blob = reader.string();
  reader.expect_end();

  WireReader<InputError> key_reader(public_blob, what + " public key");
  if (const auto type = c_string(key_reader.string(), what); type != k_ed25519) {
    throw InputError(what + ": unsupported key type \"" + std::string(type.substr(0, 40)) +
                     "\"; divert uses ssh-ed25519");
  }
  const auto raw = key_reader.string();
  key_reader.expect_end();
  info.key = PublicKey::from_raw(
      std::span(reinterpret_cast<const unsigned char*>(raw.data()), raw.size()));

  const EVP_MD* md = sshsig_hash(info.hash_alg);
  if (md == nullptr) {
    throw InputError(what + ": unsupported hash algorithm \"" + info.hash_alg.substr(0, 40) + "\"");
  }
  WireReader<InputError> sig_reader(signature_blob, what + " signature");
  if (c_string(sig_reader.string(), what) != k_ed25519) {
    throw InputError(what + ": the signature is not an ssh-ed25519 signature");
  }
  const auto signature = sig_reader.string();
  sig_reader.expect_end();
  if (signature.size() != 64) {
    throw InputError(what + ": an Ed25519 signature has 64 bytes");
  }
  if (!info.key.verify(signed_data(info.ns, info.hash_alg, digest(md, message)), signature)) {
    throw InputError("signature does not match " + std::string(signed_thing));
  }
  return info;
}

} // namespace divert
