// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cli/files.hpp"

#include <cstddef>
#include <string>
#include <string_view>

#include <sys/stat.h>

namespace divert::cli {

// Keys, passphrase files and screening drafts are read only from regular files: a FIFO would
// block the open (or the read) for ever and a device would never end. They are opened without
// waiting (O_NONBLOCK), then checked with fstat on the open descriptor, so that what is checked
// is what is read.
class RegularFile {
public:
  // Throws MissingInputError (66) when `path` (`what`, such as "the key", in messages) cannot
  // be opened or is not a regular file. A pipe
  // is accepted only where `path` names a descriptor the caller already holds ("/dev/fd/N",
  // "/proc/self/fd/N", "/dev/stdin"): the shell opened it, so there is a writer.
  RegularFile(const std::string& path, std::string_view what, bool descriptor_pipe_ok);
  RegularFile(const RegularFile&) = delete;
  RegularFile& operator=(const RegularFile&) = delete;

  int fd() const { return m_fd.get(); }
  const struct stat& status() const { return m_status; }
  // The whole content; MissingInputError when it is larger than `max_bytes` or unreadable.
  std::string read_all(std::size_t max_bytes) const;

private:
  std::string m_path;
  std::string m_what;
  Fd m_fd;
  struct stat m_status {};
};

// Why `status` (of a private file or directory `path`, described as `what`, such as "the key")
// is not private: owned by another user, or open to group or others. Empty when it is private.
std::string privacy_problem(const struct stat& status, std::string_view what,
                            const std::string& path);

} // namespace divert::cli
