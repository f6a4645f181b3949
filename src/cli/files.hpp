// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/answers.hpp"
#include "core/policy/policy.hpp"
#include "core/policy/policy_loader.hpp"

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace divert::cli {

// A file descriptor that is closed when it goes out of scope (-1: none).
class Fd {
public:
  explicit Fd(int fd = -1) : m_fd(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : m_fd(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return m_fd; }
  explicit operator bool() const { return m_fd >= 0; }
  int release() { return std::exchange(m_fd, -1); }
  void reset(int fd = -1);

private:
  int m_fd;
};

// The most divert reads whole of one file (a policy, answers, a record, a trust list, a key):
// each is kilobytes, so more is a wrong file (a device, a corpus, a runaway pipe), refused
// rather than read until memory runs out. Streams (batch's and policy diff's cases) have no
// such bound.
constexpr size_t k_max_whole_file = size_t{64} << 20;

// Everything left to read from `fd`. Throws IoError naming `what` when a read fails, InputError
// past k_max_whole_file.
std::string read_fd(int fd, const std::string& what);

// The bytes of `path`, nullopt when it does not exist. IoError naming `what` when it exists but
// cannot be read.
std::optional<std::string> read_if_exists(const std::string& path, const std::string& what);

// Reads a whole file ("-" = standard input). Throws MissingInputError when it cannot,
// InputError past k_max_whole_file.
std::string read_file(const std::string& path);
std::string read_stdin();

// Opens `path` for streaming ("-" = `standard_input`); `holder` keeps an opened file alive.
// Throws MissingInputError when it cannot.
std::istream& open_input(const std::string& path, std::istream& standard_input,
                         std::unique_ptr<std::istream>& holder);
// How messages name an input: "standard input" for "-", else its path.
inline std::string input_name(const std::string& path) {
  return path == "-" ? "standard input" : path;
}

struct PolicyTrust;

// Finds a policy named on the command line: a path when it contains '/' or ends in .yaml,
// otherwise an id looked up in $DIVERT_POLICY_PATH, the installed policies, then ./policies.
// With `trust`, the file's signature is checked on the bytes read, before anything (the parsed
// -policy cache included) uses them: KeyError (77) naming the layer (check_policy_layer).
PolicyText find_policy(const std::string& reference, const PolicyTrust* trust = nullptr);

// Resolves `extends`: beside the extending file first, then as find_policy does; each layer
// checked against `trust` when there is one.
PolicyResolver policy_resolver(std::shared_ptr<const PolicyTrust> trust = nullptr);

// Loads a policy named on the command line; abstract ones only when `allow_abstract`; every
// layer signed as `trust` requires when there is one.
Policy load_policy_arg(const std::string& reference, bool allow_abstract,
                       const std::shared_ptr<const PolicyTrust>& trust = nullptr);

// The answers of one case from the command line: `answers_path` (a YAML or JSON file, "-" for
// standard input, "" for none), then each `--set` over it. InputError (65) for any bad answer.
Answers read_case_answers(const Policy& policy, const std::string& answers_path,
                          const std::vector<std::string>& sets);

// Every shipped policy file: *.yaml in the first policies directory found.
std::vector<std::string> shipped_policy_files();

} // namespace divert::cli
