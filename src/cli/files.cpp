// SPDX-License-Identifier: Apache-2.0
#include "cli/files.hpp"

#include "cli/policy_trust.hpp"
#include "cli/publish.hpp"

#include "core/base/digest.hpp"
#include "core/base/error.hpp"
#include "core/base/yaml_doc.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace divert::cli {

void Fd::reset(int fd) {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = fd;
}

[[noreturn]] static void throw_too_large(const std::string& what) {
  throw InputError(fmt::format("{}: more than {} MiB, the most divert reads of one file; is it "
                               "the right file?",
                               what, k_max_whole_file >> 20));
}

std::string read_fd(int fd, const std::string& what) {
  std::string text;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) return text;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(fmt::format("cannot read {}: {}", what, std::strerror(errno)));
    }
    if (text.size() + static_cast<size_t>(n) > k_max_whole_file) throw_too_large(what);
    text.append(buffer, static_cast<size_t>(n));
  }
}

// `in` to its end, or to k_max_whole_file; `in.bad()` tells the caller of a read error.
static std::string read_bounded(std::istream& in, const std::string& what) {
  std::string text;
  std::array<char, 65536> buffer{};
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<size_t>(in.gcount());
    if (text.size() + n > k_max_whole_file) throw_too_large(what);
    text.append(buffer.data(), n);
  }
  return text;
}

std::optional<std::string> read_if_exists(const std::string& path, const std::string& what) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return std::nullopt;
    throw IoError(fmt::format("cannot read {} {}: {}", what, path, std::strerror(errno)));
  }
  return read_fd(fd.get(), fmt::format("{} {}", what, path));
}

std::string read_stdin() {
  std::string text = read_bounded(std::cin, "standard input");
  if (std::cin.bad()) throw MissingInputError("standard input: read error");
  return text;
}

// An ifstream opens a directory, and only its first read fails, as a bare read error.
static void refuse_directory(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    throw MissingInputError(fmt::format("{}: is a directory, not a file", path));
  }
}

std::istream& open_input(const std::string& path, std::istream& standard_input,
                         std::unique_ptr<std::istream>& holder) {
  if (path == "-") {
    return standard_input;
  }
  refuse_directory(path);
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) {
    throw MissingInputError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  }
  holder = std::move(file);
  return *holder;
}

std::string read_file(const std::string& path) {
  if (path == "-") {
    return read_stdin();
  }
  refuse_directory(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw MissingInputError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  }
  std::string text = read_bounded(in, path);
  if (in.bad()) {
    throw MissingInputError(fmt::format("{}: read error", path));
  }
  return text;
}

static bool is_path(const std::string& reference) {
  return reference.find('/') != std::string::npos ||
         (reference.size() > 5 && reference.ends_with(".yaml")) ||
         (reference.size() > 4 && reference.ends_with(".yml"));
}

static std::vector<std::string> search_dirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("DIVERT_POLICY_PATH"); env != nullptr && *env != '\0') {
    std::string list = env;
    size_t start = 0;
    while (start <= list.size()) {
      const size_t colon = list.find(':', start);
      const std::string dir =
          list.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      if (!dir.empty()) {
        dirs.push_back(dir);
      }
      if (colon == std::string::npos) {
        break;
      }
      start = colon + 1;
    }
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  // The installed policies, found from the binary (DIVERT_POLICY_DIR is relative to its
  // directory, e.g. ../share/divert/policies), so that any install prefix works.
  const fs::path installed = DIVERT_POLICY_DIR;
  if (installed.is_absolute()) {
    dirs.push_back(installed.string());
  } else if (!ec) {
    dirs.push_back((self.parent_path() / installed).lexically_normal().string());
  }
  dirs.emplace_back("policies");
  // Last, the policies of the source tree a build directory sits in (build/divert ->
  // policies/), so a freshly built divert works from any directory.
  if (!ec) {
    dirs.push_back((self.parent_path().parent_path() / "policies").string());
  }
  return dirs;
}

namespace {

// Parsed policy trees under $XDG_CACHE_HOME/divert/trees/<sha256>.tree, like ccache's: keyed
// by the text's hash so an edited policy is never served stale, private to the user, and
// skipped on any doubt (a file not ours, writable by others, or not one we wrote). A file name
// proves nothing about what is inside, so each entry ends with an HMAC-SHA256 of its bytes
// (which name the source text's hash) under a per-user key ($XDG_CACHE_HOME/divert/trees.key,
// 0600): an entry edited, copied in or written by anything but divert is not used, and the
// policy is parsed from its text instead. Failing to write it costs only speed.
// DIVERT_NO_CACHE=1 turns it off.
class FileTreeCache : public YamlTreeCache {
public:
  explicit FileTreeCache(std::string dir) : m_dir(std::move(dir)) {}

  std::optional<YamlNode> find(const std::string& sha256, std::string_view text) const override {
    const std::optional<std::string> key = cache_key();
    if (!key) {
      return std::nullopt;
    }
    std::string bytes = read_own_file(m_dir + "/" + sha256 + ".tree", 64 << 20, 022);
    if (bytes.size() <= k_tag_size) {
      return std::nullopt;
    }
    const std::string_view body(bytes.data(), bytes.size() - k_tag_size);
    const std::string tag = mac(*key, body);
    if (CRYPTO_memcmp(tag.data(), bytes.data() + body.size(), k_tag_size) != 0) {
      return std::nullopt;
    }
    return decode_yaml_tree(body, sha256, text);
  }

  void store(const std::string& sha256, const YamlNode& root,
             std::string_view text) const override {
    try {
      const std::optional<std::string> key = cache_key();
      if (!key) {
        return;
      }
      std::string bytes = encode_yaml_tree(sha256, root, text);
      bytes += mac(*key, bytes);
      make_private_dir(m_dir);
      replace_file(m_dir + "/" + sha256 + ".tree", bytes);
    } catch (const std::exception&) {
      // A read-only or full cache only costs speed.
    }
  }

private:
  static constexpr size_t k_tag_size = 32;

  static std::string mac(const std::string& key, std::string_view bytes) {
    const Sha256Digest tag = hmac_sha256(key, bytes);
    return std::string(reinterpret_cast<const char*>(tag.data()), tag.size());
  }

  // The content of `path` if it is a regular file of this user's without any of the
  // permission bits `forbidden`, of at most `max` bytes; else empty.
  static std::string read_own_file(const std::string& path, off_t max, mode_t forbidden) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
      return {};
    }
    struct stat st {};
    std::string bytes;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() &&
        (st.st_mode & forbidden) == 0 && st.st_size > 0 && st.st_size <= max) {
      bytes.resize(static_cast<size_t>(st.st_size));
      size_t got = 0;
      while (got < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
        if (n <= 0) break;
        got += static_cast<size_t>(n);
      }
      bytes.resize(got);
    }
    ::close(fd);
    return bytes;
  }

  // The per-user key, made on first use; nullopt (no cache) when it cannot be made or is not
  // private to this user.
  std::optional<std::string> cache_key() const {
    std::call_once(m_key_once, [this] {
      const std::string path = m_dir + ".key";
      std::string key = read_own_file(path, 4096, 077);
      if (key.empty()) {
        unsigned char fresh[32];
        if (RAND_bytes(fresh, sizeof fresh) != 1) {
          return;
        }
        try {
          make_private_dir(m_dir.substr(0, m_dir.find_last_of('/')));
        } catch (const std::exception&) {
          return;
        }
        const int fd =
            ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
          const bool written =
              ::write(fd, fresh, sizeof fresh) == static_cast<ssize_t>(sizeof fresh);
          ::close(fd);
          if (!written) {
            ::unlink(path.c_str());
          }
        }
        OPENSSL_cleanse(fresh, sizeof fresh);
        key = read_own_file(path, 4096, 077); // ours, or another divert's that won the race
      }
      if (key.size() == 32) {
        m_key = std::move(key);
      }
    });
    return m_key;
  }

  std::string m_dir;
  mutable std::once_flag m_key_once;
  mutable std::optional<std::string> m_key;
};

std::shared_ptr<const YamlTreeCache> tree_cache() {
  static const std::shared_ptr<const YamlTreeCache> cache =
      []() -> std::shared_ptr<const YamlTreeCache> {
    const char* off = std::getenv("DIVERT_NO_CACHE");
    if (off != nullptr && *off != '\0' && std::string(off) != "0") {
      return nullptr;
    }
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    std::string dir;
    if (xdg != nullptr && *xdg == '/') {
      dir = std::string(xdg) + "/divert/trees";
    } else if (home != nullptr && *home == '/') {
      dir = std::string(home) + "/.cache/divert/trees";
    } else {
      return nullptr;
    }
    return std::make_shared<FileTreeCache>(dir);
  }();
  return cache;
}

} // namespace

// The layer at `path`, shown as `display_name` (the path when empty). A signature required by
// `trust` is checked here, on the very bytes the loader gets, so no cached tree and no later
// read can stand in for a file whose signature was not checked.
static PolicyText text_at(const fs::path& path, const PolicyTrust* trust,
                          const std::string& display_name = {}) {
  PolicyText text;
  text.text = read_file(path.string());
  text.display_name = display_name.empty() ? path.string() : display_name;
  text.directory = path.parent_path().string();
  text.cache = tree_cache();
  if (trust != nullptr) {
    text.signed_by = check_policy_layer(*trust, path.string(), text.display_name, text.text);
  }
  return text;
}

PolicyText find_policy(const std::string& reference, const PolicyTrust* trust) {
  if (is_path(reference)) {
    return text_at(reference, trust);
  }
  for (const std::string& dir : search_dirs()) {
    const fs::path candidate = fs::path(dir) / (reference + ".yaml");
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) {
      return text_at(candidate, trust);
    }
  }
  throw MissingInputError(
      fmt::format(
          "no policy '{}' (looked in $DIVERT_POLICY_PATH, the installed policies, ./policies "
          "and the policies beside this build)",
          reference),
      "no-policy");
}

PolicyResolver policy_resolver(std::shared_ptr<const PolicyTrust> trust) {
  return
      [trust = std::move(trust)](const std::string& reference,
                                 const std::string& from_directory) -> std::optional<PolicyText> {
        std::error_code ec;
        if (is_path(reference)) {
          const fs::path p = fs::path(from_directory) / reference;
          if (fs::is_regular_file(p, ec)) {
            return text_at(p, trust.get());
          }
          return std::nullopt;
        }
        const fs::path beside =
            fs::path(from_directory.empty() ? "." : from_directory) / (reference + ".yaml");
        if (fs::is_regular_file(beside, ec)) {
          return text_at(beside, trust.get(), from_directory.empty() ? reference + ".yaml" : "");
        }
        try {
          return find_policy(reference, trust.get());
        } catch (const MissingInputError&) {
          return std::nullopt;
        }
      };
}

Answers read_case_answers(const Policy& policy, const std::string& answers_path,
                          const std::vector<std::string>& sets) {
  Answers answers(policy);
  if (!answers_path.empty()) {
    const std::string name = answers_path == "-" ? "<stdin>" : answers_path;
    read_answers(parse_yaml(read_file(answers_path), name), policy, answers, AnswerSource::file);
  }
  for (const std::string& assignment : sets) {
    set_answer(assignment, policy, answers);
  }
  return answers;
}

Policy load_policy_arg(const std::string& reference, bool allow_abstract,
                       const std::shared_ptr<const PolicyTrust>& trust) {
  const PolicyText text = find_policy(reference, trust.get());
  Policy policy = load_policy(text, policy_resolver(trust));
  if (policy.is_abstract && !allow_abstract) {
    throw InputError(SourceLocation{text.display_name, 0, 0},
                     fmt::format("policy '{}' is abstract (a base for other policies); it cannot "
                                 "decide a case",
                                 policy.id));
  }
  return policy;
}

std::vector<std::string> shipped_policy_files() {
  for (const std::string& dir : search_dirs()) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
      continue;
    }
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".yaml") {
        files.push_back(entry.path().string());
      }
    }
    std::sort(files.begin(), files.end());
    if (!files.empty()) {
      return files;
    }
  }
  return {};
}

} // namespace divert::cli
