// SPDX-License-Identifier: Apache-2.0
#include "cli/passphrase.hpp"

#include "cli/files.hpp"
#include "cli/private_files.hpp"

#include "core/base/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ostream>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

namespace divert::cli {

static void wipe(std::string& s) {
  if (!s.empty()) {
    explicit_bzero(s.data(), s.size());
  }
  s.clear();
}

Passphrase::Passphrase(Passphrase&& other) noexcept : m_text(std::move(other.m_text)) {
  wipe(other.m_text);
}

Passphrase& Passphrase::operator=(Passphrase&& other) noexcept {
  if (this != &other) {
    wipe(m_text);
    m_text = std::move(other.m_text);
    wipe(other.m_text);
  }
  return *this;
}

Passphrase::~Passphrase() { wipe(m_text); }

// Reads up to the first newline with read(2), so nothing past it stays in a stream buffer.
Passphrase read_passphrase_file(const std::string& path, std::ostream& warnings) {
  const RegularFile file(path, "the passphrase file", true);
  const int fd = file.fd();
  if (S_ISREG(file.status().st_mode) && (file.status().st_mode & 044) != 0) {
    warnings << fmt::format("divert: warning: other users can read the passphrase file {} "
                            "(permissions {:04o}); chmod 600 {}\n",
                            path, file.status().st_mode & 07777, path);
  }
  Passphrase result;
  std::string line;
  char c = 0;
  for (;;) {
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      wipe(line);
      throw MissingInputError(
          fmt::format("{}: cannot read the passphrase file: {}", path, std::strerror(saved)));
    }
    if (n == 0 || c == '\n') break;
    if (line.size() > 4096) {
      wipe(line);
      throw KeyError(fmt::format("{}: the passphrase is longer than 4096 bytes", path));
    }
    line += c;
  }
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  if (line.empty()) {
    throw KeyError(fmt::format("{}: the first line (the passphrase) is empty", path));
  }
  return Passphrase(std::move(line));
}

std::string new_passphrase_problem(const Passphrase& passphrase) {
  const std::string& text = passphrase.text();
  const auto characters =
      static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      }));
  if (characters >= k_min_passphrase_chars) {
    return {};
  }
  return fmt::format("the passphrase has {} characters; use at least {} (or --no-passphrase "
                     "to store the key unencrypted)",
                     characters, k_min_passphrase_chars);
}

Passphrase ask_new_passphrase(const std::function<Passphrase(const std::string&)>& ask,
                              std::ostream& out, int tries) {
  for (int attempt = 1; attempt <= tries; ++attempt) {
    Passphrase first = ask("New passphrase for the key (not shown): ");
    std::string problem = new_passphrase_problem(first);
    if (problem.empty()) {
      const Passphrase second = ask("The same passphrase again: ");
      if (first.text() == second.text()) {
        return first;
      }
      problem = "the passphrases do not match";
    }
    if (attempt < tries) {
      const int left = tries - attempt;
      out << fmt::format("divert: {}; try again ({} {} left)\n", problem, left,
                         left == 1 ? "try" : "tries")
          << std::flush;
    } else {
      throw KeyError(fmt::format("{}, {} times; nothing was written", problem, tries));
    }
  }
  throw KeyError("no passphrase was asked for; nothing was written");
}

bool terminal_available() {
  return static_cast<bool>(Fd(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)));
}

namespace {

volatile std::sig_atomic_t g_signal = 0;
void on_signal(int signal) { g_signal = signal; }

// Each ends the prompt with the terminal restored (as OpenSSH's readpassphrase does): a quit
// (Ctrl-\) or hang-up must not leave the officer's terminal without echo, and a suspend
// (Ctrl-Z) stops the process with the terminal as it was, to ask again when it is resumed.
constexpr std::array k_prompt_signals{SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};

bool is_stop_signal(int signal) {
  return signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU;
}

// Echo off for the life of the object; the terminal and signal handlers are restored after.
class EchoOff {
public:
  explicit EchoOff(int fd) : m_fd(fd) {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; // no SA_RESTART: read() returns EINTR
    for (size_t i = 0; i < k_prompt_signals.size(); ++i) {
      sigaction(k_prompt_signals[i], &sa, &m_old[i]);
    }
    if (tcgetattr(fd, &m_saved) == 0) {
      struct termios t = m_saved;
      t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      t.c_lflag |= ECHONL;
      m_restore = tcsetattr(fd, TCSAFLUSH, &t) == 0;
    }
  }
  ~EchoOff() {
    if (m_restore) {
      tcsetattr(m_fd, TCSAFLUSH, &m_saved);
    }
    for (size_t i = 0; i < k_prompt_signals.size(); ++i) {
      sigaction(k_prompt_signals[i], &m_old[i], nullptr);
    }
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

private:
  int m_fd;
  struct termios m_saved {};
  bool m_restore = false;
  std::array<struct sigaction, k_prompt_signals.size()> m_old{};
};

} // namespace

Passphrase prompt_passphrase(const std::string& prompt) {
  const Fd tty(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!tty) {
    throw KeyError("no terminal to ask for the passphrase on; give --passphrase-file FILE");
  }
  const int fd = tty.get();
  std::string line;
  bool eof = false;
  for (;;) {
    g_signal = 0;
    eof = false;
    {
      EchoOff guard(fd);
      [[maybe_unused]] const ssize_t w = ::write(fd, prompt.data(), prompt.size());
      char c = 0;
      for (;;) {
        const ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR && g_signal == 0) continue;
        if (n <= 0) {
          eof = true;
          [[maybe_unused]] const ssize_t nl = ::write(fd, "\n", 1); // the prompt's line ends here
          break;
        }
        if (c == '\n' || c == '\r') break;
        if (line.size() <= 4096) line += c;
      }
    }
    const int signal = g_signal;
    if (!is_stop_signal(signal)) {
      break;
    }
    // The terminal and the handler before ours are back: stop as that handler would, and when
    // resumed, ask again from the start (what was typed before may be half a passphrase).
    wipe(line);
    line.clear();
    std::raise(signal);
  }
  if (g_signal != 0 || eof) {
    wipe(line);
    throw Interrupted(g_signal != 0 ? "interrupted; nothing was written"
                                    : "end of input at the passphrase prompt; nothing was written");
  }
  if (line.size() > 4096) {
    wipe(line);
    throw KeyError("the passphrase is longer than 4096 bytes");
  }
  return Passphrase(std::move(line));
}

} // namespace divert::cli
