// SPDX-License-Identifier: Apache-2.0
// Loading an officer's key: only a private regular file, never one protected more weakly than
// keygen writes, and a passphrase file that cannot hang the program.
#include "cli/keys.hpp"

#include "core/base/error.hpp"
#include "core/record/sshsig.hpp"

#include "test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace divert;
using namespace divert::cli;
using divert::testing::TempDir;

namespace {

const fs::path k_keys = fs::path(DIVERT_SOURCE_DIR) / "tests/data/keys";
constexpr const char* k_fingerprint = "SHA256:Cv9j2ywIHLWZIXcZPp3iCf57zlPGhl39DTGCjpi72tw";

// A copy of a test key (or passphrase) file with `mode`: git checks them out 0644.
std::string copy_with_mode(const fs::path& from, const fs::path& to, fs::perms mode) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  fs::permissions(to, mode);
  return to.string();
}

constexpr fs::perms k_0600 = fs::perms::owner_read | fs::perms::owner_write;

template <class E, class F> std::string thrown(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "(nothing thrown)";
}

} // namespace

TEST_CASE("keys: a key protected more weakly than keygen writes is refused, naming the weakness") {
  TempDir dir;
  const std::string pass = copy_with_mode(k_keys / "passphrase.txt", dir.path / "pass", k_0600);
  const std::pair<const char*, const char*> cases[] = {
      {"pbkdf2-1-iteration", "1 PBKDF2 iteration (at least 600000)"},
      {"hmac-sha1", "PBKDF2 with hmacWithSHA1 instead of hmacWithSHA256"},
      {"aes-128", "AES-128-CBC encryption instead of AES-256"},
      {"pbes1-3des", "PBES1 encryption (PBE-SHA1-3DES) instead of PBES2"},
      {"scrypt", "id-scrypt key derivation instead of PBKDF2"},
  };
  for (const auto& weak : cases) {
    const char* name = weak.first; // CAPTURE's lambda cannot capture a structured binding (clang)
    const char* weakness = weak.second;
    CAPTURE(name);
    const std::string key = copy_with_mode(k_keys / "weak" / (std::string(name) + ".key.pem"),
                                           dir.path / "k.pem", k_0600);
    std::ostringstream warnings;
    const std::string message = thrown<KeyError>([&] {
      load_signing_key(key, UnlockOptions{pass, false}, warnings);
    });
    CHECK(message.find("protected more weakly than divert keygen") != std::string::npos);
    CHECK(message.find(weakness) != std::string::npos);
  }
  // What keygen writes loads (and is the same key as the weak copies).
  const std::string good =
      copy_with_mode(k_keys / "T-0001@TEST000.encrypted.key.pem", dir.path / "good.pem", k_0600);
  std::ostringstream warnings;
  CHECK(load_signing_key(good, UnlockOptions{pass, false}, warnings).public_key().fingerprint() ==
        k_fingerprint);
  CHECK(warnings.str().empty());
}

TEST_CASE("keys: the weaknesses of a key's protection, one phrase each") {
  KeyProtection p{true, "pbkdf2", "hmacWithSHA256", "AES-256-CBC", 600000};
  CHECK(key_protection_weaknesses(p).empty());
  p.prf = "hmacWithSHA512";
  CHECK(key_protection_weaknesses(p).empty());
  p = {true, "pbkdf2", "hmacWithSHA1", "AES-128-CBC", 2048};
  CHECK(key_protection_weaknesses(p).size() == 3);
  p = {true, "pbkdf2", "hmacWithSHA256", "AES-256-CBC", 599999};
  REQUIRE(key_protection_weaknesses(p).size() == 1);
  CHECK(key_protection_weaknesses(p)[0] == "599999 PBKDF2 iterations (at least 600000)");
  // An unencrypted key was asked for explicitly (keygen --no-passphrase): not judged here.
  CHECK(key_protection_weaknesses(KeyProtection{}).empty());
}

TEST_CASE("keys: FIFOs and directories as key or passphrase file are refused without waiting") {
  TempDir dir;
  const std::string fifo = (dir.path / "fifo").string();
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const std::string key =
      copy_with_mode(k_keys / "T-0001@TEST000.encrypted.key.pem", dir.path / "k.pem", k_0600);
  std::ostringstream warnings;
  CHECK(thrown<KeyError>([&] {
          load_signing_key(fifo, UnlockOptions{}, warnings);
        }).find("is a FIFO") != std::string::npos);
  CHECK(thrown<MissingInputError>([&] {
          load_signing_key(key, UnlockOptions{fifo, false}, warnings);
        }).find("the passphrase file is a FIFO") != std::string::npos);
  CHECK(thrown<KeyError>([&] {
          load_signing_key(dir.path.string(), UnlockOptions{}, warnings);
        }).find("is a directory") != std::string::npos);
  CHECK(thrown<MissingInputError>([&] {
          read_passphrase_file(dir.path.string(), warnings);
        }).find("is a directory") != std::string::npos);
}

TEST_CASE("keys: a passphrase from a descriptor's pipe is read; a file others can read warns") {
  TempDir dir;
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::write(fds[1], "secret words\nrest", 17) == 17);
  ::close(fds[1]);
  std::ostringstream warnings;
  CHECK(read_passphrase_file("/dev/fd/" + std::to_string(fds[0]), warnings).text() ==
        "secret words");
  ::close(fds[0]);
  CHECK(warnings.str().empty());

  const std::string open_file =
      copy_with_mode(k_keys / "passphrase.txt", dir.path / "open",
                     k_0600 | fs::perms::group_read | fs::perms::others_read);
  CHECK_FALSE(read_passphrase_file(open_file, warnings).empty());
  CHECK(warnings.str() == "divert: warning: other users can read the passphrase file " + open_file +
                              " (permissions 0644); chmod 600 " + open_file + "\n");
  std::ostringstream none;
  const std::string private_file =
      copy_with_mode(k_keys / "passphrase.txt", dir.path / "p", k_0600);
  CHECK_FALSE(read_passphrase_file(private_file, none).empty());
  CHECK(none.str().empty());
}

TEST_CASE("keys: a key owned by another user is refused") {
  if (::geteuid() != 0) {
    MESSAGE("not root: cannot give a file to another user; skipped");
    return;
  }
  TempDir dir;
  const std::string key =
      copy_with_mode(k_keys / "T-0001@TEST000.key.pem", dir.path / "k.pem", k_0600);
  REQUIRE(::chown(key.c_str(), 65534, 65534) == 0);
  std::ostringstream warnings;
  CHECK(thrown<KeyError>([&] {
          load_signing_key(key, UnlockOptions{}, warnings);
        }).find("is owned by user id 65534, not by you") != std::string::npos);
}
