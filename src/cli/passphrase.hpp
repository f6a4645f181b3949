// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>

namespace divert::cli {

// A passphrase held in memory: wiped when it goes away.
class Passphrase {
public:
  Passphrase() = default;
  explicit Passphrase(std::string text) : m_text(std::move(text)) {}
  Passphrase(const Passphrase&) = delete;
  Passphrase& operator=(const Passphrase&) = delete;
  Passphrase(Passphrase&& other) noexcept;
  Passphrase& operator=(Passphrase&& other) noexcept;
  ~Passphrase();

  const std::string& text() const { return m_text; }
  bool empty() const { return m_text.empty(); }

private:
  std::string m_text;
};

// The first line of `path`, without its line ending ("/dev/fd/N" reads descriptor N, which may
// be a pipe). MissingInputError (66) when it cannot be read or is not a regular file (a FIFO
// would block), KeyError (77) when the line is empty. A file that others may read is used,
// with a warning on `warnings`.
Passphrase read_passphrase_file(const std::string& path, std::ostream& warnings);

// Whether a passphrase can be asked for: the controlling terminal (/dev/tty) can be opened.
bool terminal_available();

// The fewest characters (Unicode code points) a new key's passphrase may have.
constexpr std::size_t k_min_passphrase_chars = 8;

// "" when `passphrase` may protect a new key, else why not (too short; --no-passphrase is the
// explicit way to an unencrypted key).
std::string new_passphrase_problem(const Passphrase& passphrase);

// A new passphrase, typed twice through `ask` (prompt in, what was typed out). A short one or
// two that differ are said on `out` and asked again, `tries` times in all; then KeyError (77).
Passphrase ask_new_passphrase(const std::function<Passphrase(const std::string&)>& ask,
                              std::ostream& out, int tries = 3);

// Asks on /dev/tty with echo off. Throws Interrupted (130) on Ctrl-C or end of input,
// KeyError (77) when there is no terminal.
Passphrase prompt_passphrase(const std::string& prompt);

} // namespace divert::cli
