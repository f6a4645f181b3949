// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/record/verify.hpp"

#include <optional>
#include <string>
#include <vector>

namespace divert::cli {

// Record files named on the command line: each argument is a REF-*.json file or a directory
// whose REF-*.json files (not recursive) are taken, in name order.
struct FoundRecords {
  std::vector<RecordFile> records;            // with their .sshsig text where there is one
  std::vector<std::string> orphan_signatures; // REF-*.json.sshsig without its REF-*.json
};

// Reads the records and signatures. MissingInputError (66) for an argument that does not
// exist or a directory that cannot be listed; an entry that is not a regular file of at most
// k_max_record_file_bytes (a FIFO, a device, a directory, a symbolic link found in a folder)
// comes back with RecordFile::unreadable saying why. A file named twice is taken once.
// `with_signatures` false skips reading the .sshsig files.
FoundRecords find_records(const std::vector<std::string>& paths, bool with_signatures);

// The text of a detached signature `path` (a policy's FILE.sshsig), read as records are: a
// regular file of at most k_max_record_file_bytes, never waited on. nullopt when there is
// none, or when one is there but cannot be read (`problem` then says why).
std::optional<std::string> read_signature_file(const std::string& path, std::string& problem);

} // namespace divert::cli
