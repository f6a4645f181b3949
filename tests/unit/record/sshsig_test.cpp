// SPDX-License-Identifier: Apache-2.0
#include "core/base/error.hpp"
#include "core/record/sshsig.hpp"
#include "needs_program.hpp"

#include <doctest/doctest.h>

#include <sys/wait.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using divert::InputError;
using divert::KeyError;
using divert::PublicKey;
using divert::SigningKey;
using divert::sshsig_sign;
using divert::sshsig_verify;

namespace {

// Small enough to keep the suite fast; one test checks the real default separately.
constexpr int k_test_iterations = 1000;
constexpr const char* k_ns = "divert-referral-v1@WA0000000";

// A throwaway key made with `ssh-keygen -t ed25519 -N '' -C golden@divert-test` for these tests,
// and ssh-keygen 9.2's signatures (sha512 and -O hashalg=sha256) over k_golden_message: the
// byte-exactness check that does not need ssh-keygen installed.
constexpr const char* k_golden_key = R"(-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACDqMFYD012kzoJ3hC/YAttkuX/5obznkMLwdedPwptbkQAAAJjTIgBw0yIA
cAAAAAtzc2gtZWQyNTUxOQAAACDqMFYD012kzoJ3hC/YAttkuX/5obznkMLwdedPwptbkQ
AAAECVEEauFeyR0Yrm7cqwAzJ0boObtpIfhktdvNOXBTzg8+owVgPTXaTOgneEL9gC22S5
f/mhvOeQwvB150/Cm1uRAAAAEmdvbGRlbkBkaXZlcnQtdGVzdAECAw==
-----END OPENSSH PRIVATE KEY-----
)";
constexpr const char* k_golden_pub =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOowVgPTXaTOgneEL9gC22S5f/mhvOeQwvB150/Cm1uR "
    "golden@divert-test";
constexpr const char* k_golden_fpr = "SHA256:aq83ur4PPGjK44nVcEr0Dckoiy/tPFIQ0e2XuXsIltU";
constexpr const char* k_golden_message = R"({"record_id":"01TEST","seq":1})";
constexpr const char* k_golden_sig_sha512 = R"(-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg6jBWA9NdpM6Cd4Qv2ALbZLl/+a
G855DC8HXnT8KbW5EAAAAcZGl2ZXJ0LXJlZmVycmFsLXYxQFdBMDAwMDAwMAAAAAAAAAAG
c2hhNTEyAAAAUwAAAAtzc2gtZWQyNTUxOQAAAECXg1dRQy8o8XGRsUqZAY72Ty0oUkDtPG
xdnlUSijIEyPrtQIQJdu4pq2wQDZ0FRN3CDuUCcAaCGd1WnWjG1AAD
-----END SSH SIGNATURE-----
)";
constexpr const char* k_golden_sig_sha256 = R"(-----BEGIN SSH SIGNATURE-----
U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg6jBWA9NdpM6Cd4Qv2ALbZLl/+a
G855DC8HXnT8KbW5EAAAAcZGl2ZXJ0LXJlZmVycmFsLXYxQFdBMDAwMDAwMAAAAAAAAAAG
c2hhMjU2AAAAUwAAAAtzc2gtZWQyNTUxOQAAAECkAt6/93/lPufHR1HGUxpXfv5YznZING
MCFdxwvIukKhxx8JORMOXR7erYiMbwXIPXnEPUPRFb+8pvrVk1dAIP
-----END SSH SIGNATURE-----
)";

std::string message_of(const std::exception& e) { return e.what(); }
// InputError's what() is the formatted diagnostic; the bare message is what these tests pin.
std::string message_of(const InputError& e) { return e.diagnostics().front().message; }

template <typename Exception, typename F> std::string thrown_message(F&& f) {
  try {
    f();
  } catch (const Exception& e) {
    return message_of(e);
  }
  FAIL("expected an exception");
  return {};
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

int run(const std::string& command) {
  const int status = std::system(command.c_str());
  return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string quoted(const fs::path& path) {
  std::string out = "'";
  for (const char c : path.string()) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// A fresh directory, removed with everything in it at scope exit.
class TempDir {
public:
  TempDir() {
    std::random_device random;
    m_path = fs::temp_directory_path() /
             ("divert-sshsig-test-" + std::to_string(random()) + std::to_string(random()));
    fs::create_directories(m_path);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(m_path, ignored);
  }
  const fs::path& path() const { return m_path; }

private:
  fs::path m_path;
};

} // namespace

TEST_SUITE_BEGIN("sshsig");

TEST_CASE("sshsig: sign and verify round trip") {
  const auto key = SigningKey::generate();
  const std::string message = R"({"a":1,"b":"\u00e9"})";
  const std::string sig = sshsig_sign(key, message, k_ns);
  CHECK(sig.starts_with("-----BEGIN SSH SIGNATURE-----\n"));
  CHECK(sig.ends_with("\n-----END SSH SIGNATURE-----\n"));
  CHECK(sig.find('\r') == std::string::npos);

  const auto info = sshsig_verify(sig, message);
  CHECK(info.key == key.public_key());
  CHECK(info.ns == k_ns);
  CHECK(info.hash_alg == "sha512");

  // Ed25519 is deterministic, so signing twice gives the same bytes.
  CHECK(sshsig_sign(key, message, k_ns) == sig);
  CHECK(sshsig_verify(sshsig_sign(key, "", k_ns), "").ns == k_ns);
}

TEST_CASE("sshsig: tampering is detected") {
  const auto key = SigningKey::generate();
  std::string message = "{\"decision\":\"eligible\",\"seq\":42}";
  const std::string sig = sshsig_sign(key, message, k_ns);
  for (std::size_t i = 0; i < message.size(); i += 7) {
    std::string changed = message;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    CAPTURE(i);
    CHECK(thrown_message<InputError>([&] { sshsig_verify(sig, changed); }) ==
          "signature does not match the record");
  }
  CHECK_THROWS_AS(sshsig_verify(sig, message + "\n"), InputError);

  // Another namespace is a different signature, and the parsed namespace tells the caller.
  const std::string other = sshsig_sign(key, message, "divert-referral-v1@WA9999999");
  CHECK(other != sig);
  CHECK(sshsig_verify(other, message).ns == "divert-referral-v1@WA9999999");

  // A signature by another key verifies, but names the other key: trust is the caller's check.
  const auto stranger = SigningKey::generate();
  CHECK(sshsig_verify(sshsig_sign(stranger, message, k_ns), message).key != key.public_key());
}

TEST_CASE("sshsig: malformed signatures are InputError") {
  const auto key = SigningKey::generate();
  const std::string message = "m";
  const std::string sig = sshsig_sign(key, message, k_ns);
  CHECK_THROWS_AS(sshsig_verify("", message), InputError);
  CHECK_THROWS_AS(sshsig_verify("hello", message), InputError);
  std::string crlf;
  for (const char c : sig) {
    crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  }
  CHECK(thrown_message<InputError>([&] { sshsig_verify(crlf, message); }).find("CRLF") !=
        std::string::npos);
  std::string no_footer = sig.substr(0, sig.find("-----END"));
  CHECK_THROWS_AS(sshsig_verify(no_footer, message), InputError);
  // Flip one base64 character in each line of the body: every field is either rejected as
  // malformed or makes the signature check fail, never accepted.
  for (std::size_t pos = 31; pos < sig.find("-----END"); pos += 13) {
    if (sig[pos] == '\n') {
      continue;
    }
    std::string broken = sig;
    broken[pos] = broken[pos] == 'A' ? 'B' : 'A';
    CAPTURE(pos);
    CHECK_THROWS_AS(sshsig_verify(broken, message), InputError);
  }
  // OpenSSH ignores anything after the footer; so do we.
  CHECK_NOTHROW(sshsig_verify(sig + "trailing\n", message));
  CHECK_THROWS_AS(sshsig_sign(key, message, ""), KeyError);
}

TEST_CASE("sshsig: the armor is read as OpenSSH's b64_pton reads it") {
  const auto key = SigningKey::generate();
  const std::string message = "m";
  // With this namespace the blob is 196 bytes, one past a multiple of 3: it ends in "x==".
  const std::string sig = sshsig_sign(key, message, "divert-referral-v1@TEST000");
  const std::size_t end = sig.find("\n-----END");
  REQUIRE(sig.substr(end - 2, 2) == "==");
  // Any isspace() character in the base64 is skipped, \v and \f too.
  std::string spaced = sig;
  spaced.insert(end, "\v\f \t");
  spaced.insert(40, "\v");
  CHECK_NOTHROW(sshsig_verify(spaced, message));
  // The 4 bits after the last byte must be zero: otherwise a hidden channel (OpenSSH refuses).
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string padded = sig;
  const std::size_t last = end - 3;
  const std::size_t value = alphabet.find(padded[last]);
  REQUIRE(value % 16 == 0);
  padded[last] = alphabet[value + 1];
  CHECK(thrown_message<InputError>([&] { sshsig_verify(padded, message); }).find("base64") !=
        std::string::npos);
  // The body is a C string to OpenSSH: one NUL may end it, none may sit inside it.
  std::string nul_end = sig;
  nul_end.insert(end, 1, '\0');
  CHECK_NOTHROW(sshsig_verify(nul_end, message));
  std::string nul_inside = sig;
  nul_inside.insert(40, 1, '\0');
  CHECK_THROWS_AS(sshsig_verify(nul_inside, message), InputError);
}

TEST_CASE("sshsig: byte-identical to ssh-keygen for a recorded key") {
  const auto key = SigningKey::from_openssh(k_golden_key);
  CHECK(key.comment() == "golden@divert-test");
  CHECK(key.public_key().openssh(key.comment()) == k_golden_pub);
  CHECK(key.public_key().fingerprint() == k_golden_fpr);
  CHECK(PublicKey::from_openssh(k_golden_pub) == key.public_key());
  CHECK(SigningKey::load(k_golden_key).public_key() == key.public_key());

  CHECK(sshsig_sign(key, k_golden_message, k_ns) == k_golden_sig_sha512);
  const auto info = sshsig_verify(k_golden_sig_sha256, k_golden_message);
  CHECK(info.hash_alg == "sha256");
  CHECK(info.ns == k_ns);
  CHECK(info.key == key.public_key());
  CHECK_THROWS_AS(sshsig_verify(k_golden_sig_sha256, std::string(k_golden_message) + " "),
                  InputError);
}

TEST_CASE("sshsig: public key encodings") {
  const auto key = SigningKey::generate();
  const PublicKey pub = key.public_key();
  CHECK(PublicKey::from_raw(pub.raw()) == pub);
  CHECK(PublicKey::from_openssh(pub.openssh()) == pub);
  CHECK(PublicKey::from_openssh("  " + pub.openssh("a comment with spaces") + "\n") == pub);
  CHECK(PublicKey::from_pem(pub.pem()) == pub);
  CHECK(pub.pem().starts_with("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"));
  CHECK(pub.openssh().starts_with("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"));
  CHECK(pub.fingerprint().starts_with("SHA256:"));
  CHECK(pub.fingerprint().size() == 7 + 43); // 32 bytes in unpadded base64

  const std::string signature = key.sign("hello");
  CHECK(signature.size() == 64);
  CHECK(pub.verify("hello", signature));
  CHECK_FALSE(pub.verify("hellO", signature));
  CHECK_FALSE(pub.verify("hello", signature.substr(1)));

  CHECK_THROWS_AS(PublicKey::from_raw(std::span<const unsigned char>(pub.raw().data(), 31)),
                  InputError);
  CHECK_THROWS_AS(PublicKey::from_openssh("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ"), InputError);
  CHECK_THROWS_AS(PublicKey::from_openssh("ssh-ed25519 !!!"), InputError);
  CHECK_THROWS_AS(PublicKey::from_openssh("ssh-ed25519"), InputError);
  // The type inside the blob must agree with the label.
  CHECK_THROWS_AS(PublicKey::from_openssh("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ=="),
                  InputError);
  CHECK_THROWS_AS(PublicKey::from_pem("garbage"), InputError);
}

TEST_CASE("sshsig: PKCS#8 PEM round trips") {
  const auto key = SigningKey::generate();
  const auto pub = key.public_key();

  const std::string plain = key.to_unencrypted_pem();
  CHECK(plain.starts_with("-----BEGIN PRIVATE KEY-----\n"));
  CHECK_FALSE(SigningKey::needs_passphrase(plain));
  CHECK(SigningKey::from_pem(plain).public_key() == pub);
  CHECK(SigningKey::load(plain, "ignored").public_key() == pub);
  CHECK_FALSE(divert::inspect_private_key_pem(plain).encrypted);

  const std::string encrypted = key.to_encrypted_pem("correct horse", k_test_iterations);
  CHECK(encrypted.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
  CHECK(SigningKey::needs_passphrase(encrypted));
  CHECK(SigningKey::from_pem(encrypted, "correct horse").public_key() == pub);
  // Fresh salt and IV each time.
  CHECK(key.to_encrypted_pem("correct horse", k_test_iterations) != encrypted);

  CHECK(thrown_message<KeyError>([&] { SigningKey::from_pem(encrypted, "correct horsE"); }) ==
        "wrong passphrase");
  // Many wrong passphrases: the 1-in-256 case where the padding happens to be valid must also
  // say "wrong passphrase".
  for (int i = 0; i < 300; ++i) {
    CAPTURE(i);
    CHECK(thrown_message<KeyError>([&] {
            SigningKey::from_pem(encrypted, "wrong " + std::to_string(i));
          }) == "wrong passphrase");
  }
  CHECK(thrown_message<KeyError>([&] {
          SigningKey::from_pem(encrypted);
        }).find("passphrase is required") != std::string::npos);
  CHECK_THROWS_AS(key.to_encrypted_pem(""), KeyError);

  const auto protection = divert::inspect_private_key_pem(encrypted);
  CHECK(protection.encrypted);
  CHECK(protection.kdf == "pbkdf2");
  CHECK(protection.prf == "hmacWithSHA256");
  CHECK(protection.cipher == "AES-256-CBC");
  CHECK(protection.iterations == k_test_iterations);
}

TEST_CASE("sshsig: default key encryption uses at least 600000 PBKDF2 iterations") {
  const auto key = SigningKey::generate();
  const std::string pem = key.to_encrypted_pem("a passphrase");
  const auto protection = divert::inspect_private_key_pem(pem);
  CHECK(protection.kdf == "pbkdf2");
  CHECK(protection.prf == "hmacWithSHA256");
  CHECK(protection.cipher == "AES-256-CBC");
  CHECK(protection.iterations >= 600000);
  CHECK(SigningKey::from_pem(pem, "a passphrase").public_key() == key.public_key());
}

TEST_CASE("sshsig: OpenSSL's own parser reads the key encryption as we do" *
          DIVERT_NEEDS("openssl")) {
  const auto key = SigningKey::generate();
  const std::string pem = key.to_encrypted_pem("a passphrase");
  TempDir dir;
  write_file(dir.path() / "key.pem", pem);
  REQUIRE(run("openssl asn1parse -in " + quoted(dir.path() / "key.pem") + " > " +
              quoted(dir.path() / "asn1.txt")) == 0);
  const std::string dump = read_file(dir.path() / "asn1.txt");
  CHECK(dump.find(":PBES2") != std::string::npos);
  CHECK(dump.find(":PBKDF2") != std::string::npos);
  CHECK(dump.find(":0927C0") != std::string::npos); // 600000
  CHECK(dump.find(":hmacWithSHA256") != std::string::npos);
  CHECK(dump.find(":aes-256-cbc") != std::string::npos);
}

TEST_CASE("sshsig: key loading errors are KeyError") {
  CHECK_THROWS_AS(SigningKey::from_pem(""), KeyError);
  CHECK_THROWS_AS(SigningKey::from_pem(
                      "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"),
                  KeyError);
  CHECK_THROWS_AS(SigningKey::from_pem(
                      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
                  KeyError);
  CHECK_THROWS_AS(SigningKey::from_pem(k_golden_key), KeyError);
  CHECK_THROWS_AS(SigningKey::from_openssh("not a key"), KeyError);

  // An encrypted OpenSSH key (ssh-keygen -N secret) is refused with a hint to decrypt it.
  constexpr const char* encrypted_openssh = R"(-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAACmFlczI1Ni1jdHIAAAAGYmNyeXB0AAAAGAAAABC0wsVb3h
4TXmHi9AzqNceeAAAAEAAAAAEAAAAzAAAAC3NzaC1lZDI1NTE5AAAAIM3pbD8AdwA5KTxe
eCtpU9+YjoFgWQ+Wlz0RfyzPc82lAAAAkHr50eoXgJgNaAIiq0zlBpG68Z5geUwTE0eHo6
JNXUEmE7fWpEUmh2SfB8k9CiXEoMr4q8U9hNhWE5kSdWd9RuAwYEEwyByfF0kJ7DHfh57I
BFZkmJznBe+C8CfS1rnzeq2AuPif0ddhbV0iAVPocH/HpMGMCD1yFvo5byf79OwDX1vD2j
oNJlvo+vEuyTFxkA==
-----END OPENSSH PRIVATE KEY-----
)";
  const auto message =
      thrown_message<KeyError>([&] { SigningKey::from_openssh(encrypted_openssh); });
  CHECK(message.find("encrypted") != std::string::npos);
  CHECK(message.find("ssh-keygen -p") != std::string::npos);

  // A corrupted private section (check values differ) is caught.
  std::string corrupt = k_golden_key;
  const auto pos = corrupt.find("Bw0yIA");
  REQUIRE(pos != std::string::npos);
  corrupt[pos + 3] = 'A'; // second check value d3220070 -> d0020070
  CHECK(thrown_message<KeyError>([&] { SigningKey::from_openssh(corrupt); }).find("check values") !=
        std::string::npos);
}

TEST_CASE("sshsig: interoperates with ssh-keygen" * DIVERT_NEEDS("ssh-keygen")) {
  TempDir dir;
  const fs::path key_path = dir.path() / "key";
  const std::string q_key = quoted(key_path);
  const std::string q_err = quoted(dir.path() / "stderr.txt");
  REQUIRE(run("ssh-keygen -q -t ed25519 -N '' -C interop@divert -f " + q_key + " 2>" + q_err) == 0);
  const auto key = SigningKey::from_openssh(read_file(key_path));

  // Non-ASCII bytes and no trailing newline, like a record.
  const std::string message = "{\"name\":\"Ren\xc3\xa9\",\"seq\":7}";
  const fs::path message_path = dir.path() / "REF-1.json";
  write_file(message_path, message);

  // ssh-keygen writes REF-1.json.sig; ours must be the same bytes.
  REQUIRE(run("ssh-keygen -Y sign -f " + q_key + " -n " + k_ns + " " + quoted(message_path) +
              " 2>" + q_err) == 0);
  const std::string theirs = read_file(dir.path() / "REF-1.json.sig");
  const std::string ours = sshsig_sign(key, message, k_ns);
  CHECK(ours == theirs);
  CHECK(sshsig_verify(theirs, message).key == key.public_key());

  // ssh-keygen accepts ours against an allowed_signers line built from our OpenSSH encoding.
  const fs::path ours_path = dir.path() / "REF-1.json.sshsig";
  write_file(ours_path, ours);
  write_file(dir.path() / "allowed_signers",
             "B-4417@WA0000000 " + key.public_key().openssh() + "\n");
  const std::string verify = "ssh-keygen -Y verify -f " + quoted(dir.path() / "allowed_signers") +
                             " -I B-4417@WA0000000 -s " + quoted(ours_path);
  CHECK(run(verify + " -n " + k_ns + " < " + quoted(message_path) + " >/dev/null 2>" + q_err) == 0);
  CHECK(run(verify + " -n divert-referral-v1@WA9999999 < " + quoted(message_path) +
            " >/dev/null 2>" + q_err) != 0);
  const fs::path tampered_path = dir.path() / "tampered.json";
  std::string tampered = message;
  tampered[tampered.size() - 2] = '8';
  write_file(tampered_path, tampered);
  CHECK(run(verify + " -n " + k_ns + " < " + quoted(tampered_path) + " >/dev/null 2>" + q_err) !=
        0);
  CHECK_THROWS_AS(sshsig_verify(ours, tampered), InputError);

  // Fingerprint and public key line agree with ssh-keygen's.
  REQUIRE(run("ssh-keygen -lf " + quoted(dir.path() / "key.pub") + " > " +
              quoted(dir.path() / "fpr.txt")) == 0);
  std::istringstream fields(read_file(dir.path() / "fpr.txt"));
  std::string bits;
  std::string fingerprint;
  fields >> bits >> fingerprint;
  CHECK(fingerprint == key.public_key().fingerprint());
  std::string pub_line = read_file(dir.path() / "key.pub");
  CHECK(pub_line == key.public_key().openssh(key.comment()) + "\n");

  // An encrypted OpenSSH key gets the "decrypt first" KeyError.
  const fs::path locked = dir.path() / "locked";
  REQUIRE(run("ssh-keygen -q -t ed25519 -N 'a secret' -f " + quoted(locked) + " 2>" + q_err) == 0);
  CHECK(thrown_message<KeyError>([&] {
          SigningKey::load(read_file(locked));
        }).find("ssh-keygen -p") != std::string::npos);
}

TEST_SUITE_END();

TEST_CASE("sshsig: a key from its 32-byte seed (RFC 8032 section 7.1, test 1)") {
  const std::array<unsigned char, 32> seed = {0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60,
                                              0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
                                              0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19,
                                              0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
  const std::array<unsigned char, 32> public_key = {0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7,
                                                    0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
                                                    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25,
                                                    0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};
  const SigningKey key = SigningKey::from_seed(seed);
  CHECK(key.public_key().raw() == public_key);
  CHECK(key.public_key().verify("", key.sign("")));
  CHECK_THROWS_AS(SigningKey::from_seed(std::span(seed).first(31)), KeyError);
}
