// SPDX-License-Identifier: Apache-2.0
#include "cli/private_files.hpp"

#include "core/base/error.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

namespace divert::cli {

static bool names_descriptor(const std::string& path) {
  return path.starts_with("/dev/fd/") || path.starts_with("/proc/self/fd/") || path == "/dev/stdin";
}

static const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  return "not a regular file";
}

RegularFile::RegularFile(const std::string& path, std::string_view what, bool descriptor_pipe_ok)
    : m_path(path), m_what(what) {
  m_fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!m_fd) {
    throw MissingInputError(
        fmt::format("{}: cannot read {}: {}", path, what, std::strerror(errno)));
  }
  if (::fstat(m_fd.get(), &m_status) != 0) {
    const int err = errno;
    throw MissingInputError(fmt::format("{}: cannot read {}: {}", path, what, std::strerror(err)));
  }
  const bool pipe = S_ISFIFO(m_status.st_mode) || S_ISSOCK(m_status.st_mode);
  if (!S_ISREG(m_status.st_mode) && !(pipe && descriptor_pipe_ok && names_descriptor(path))) {
    throw MissingInputError(fmt::format("{}: {} is {}; divert reads it only from a regular file",
                                        path, what, kind_of(m_status.st_mode)));
  }
  // Reads from a descriptor's pipe wait for the writer like any blocking read.
  const int flags = ::fcntl(m_fd.get(), F_GETFL);
  if (flags >= 0) {
    ::fcntl(m_fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  }
}

std::string RegularFile::read_all(std::size_t max_bytes) const {
  std::string content;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(m_fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      throw MissingInputError(
          fmt::format("{}: cannot read {}: {}", m_path, m_what, std::strerror(errno)));
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > max_bytes) {
      explicit_bzero(content.data(), content.size());
      throw MissingInputError(fmt::format("{}: {} is larger than {} bytes, so it is not one",
                                          m_path, m_what, max_bytes));
    }
  }
  explicit_bzero(buffer, sizeof buffer);
  return content;
}

std::string privacy_problem(const struct stat& status, std::string_view what,
                            const std::string& path) {
  const bool dir = S_ISDIR(status.st_mode);
  if (status.st_uid != ::geteuid()) {
    return fmt::format("{} {} is owned by user id {}, not by you (user id {}); divert uses only "
                       "a private {} of yours",
                       what, path, status.st_uid, ::geteuid(), dir ? "directory" : "file");
  }
  if ((status.st_mode & 077) != 0) {
    return fmt::format("permissions {:04o} on {} {} are too open: only its owner may {} it "
                       "(chmod {} {})",
                       status.st_mode & 07777, what, path, dir ? "use" : "read",
                       dir ? "700" : "600", path);
  }
  return {};
}

} // namespace divert::cli
