// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/record/allowed_signers.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace divert {

// One thing wrong (or worth a warning) about a record. `check` is a stable id for scripts:
// file, json, canonical, schema, file_name, signature_file, signature, namespace, principal, trust,
// validity, key_fpr, policy, policy_signature, chain_start, chain_gap, chain_fork, chain_prev,
// created_at.
struct Finding {
  std::string check;
  std::string message;
};

// The largest record (and .sshsig) file read: a record is a few KiB; anything larger is not
// one of ours and is reported, not read.
inline constexpr std::size_t k_max_record_file_bytes = 1024 * 1024;

// A record as read from disk by the front-end.
struct RecordFile {
  std::string path;      // as shown in reports
  std::string file_name; // the base name, "REF-<record_id>.json"
  std::string bytes;
  std::optional<std::string> signature; // the .sshsig text; nullopt when there is none
  // Why the record (or its .sshsig) was not read: not a regular file, a symbolic link in a
  // folder, too large, unreadable. Empty when it was read.
  std::string unreadable;
  std::string signature_unreadable;
};

struct RecordLayerHash {
  std::string id;
  std::string version;
  std::string sha256;
  std::string signed_by; // the policy signing key's fingerprint, empty when the record names none
};

// What verify found about one record, and what the chain analysis needs from it.
struct RecordReport {
  std::string path;
  std::string file_name;
  std::string sha256; // of the file bytes
  std::string record_id;
  std::string principal;
  std::string key_fpr;
  std::string created_at;
  std::optional<long long> created_at_seconds;
  std::string device_id;
  std::optional<long long> seq;
  std::optional<std::string> prev_sha256; // nullopt: null or absent
  std::string policy_id;
  std::string policy_version;
  std::vector<RecordLayerHash> policy_layers;
  std::vector<Finding> failures;
  std::vector<Finding> warnings;
  // A good signature by a key the trust list allows for this principal and namespace at
  // created_at: only such records take part in the chain check.
  bool trusted = false;

  bool ok() const { return failures.empty(); }
};

// Every check on one record on its own: canonical JCS bytes, schema and fields, file name,
// SSHSIG signature over the bytes, namespace "divert-referral-v1@<agency.code>", the signer
// allowed for officer.principal by `trust` at created_at, and officer.key_fpr. Never throws
// for a bad record: every problem becomes a failure.
RecordReport check_record(const RecordFile& file, const AllowedSigners& trust);

// A policy file the auditor holds: where it is, its sha256 and the id and version it declares
// (empty when it is not a readable policy).
struct KnownPolicyFile {
  std::string path;
  std::string sha256;
  std::string id;
  std::string version;
  std::string bytes = {};                    // the file's content, for its signature
  std::optional<std::string> signature = {}; // PATH.sshsig; nullopt when there is none
};

// Adds a failure for every recorded policy layer that no file of `known` (the policy files under
// `policies_dir`, named in the message) matches in id, version and sha256 together: a record
// names the policy it used, not just any file with those bytes. Where the layer names the key
// that signed it (`signed_by`), the file must also carry a good .sshsig by that key.
void check_policy_layers(RecordReport& report, const std::vector<KnownPolicyFile>& known,
                         const std::string& policies_dir);

// Where the auditor expects each device's handed-over records to start (`--from DEVICE:SEQ`);
// a device not named starts at seq 1.
using ChainStarts = std::map<std::string, long long>;

// The device chain across the trusted `reports` (grouped by device id; a record with a bad or
// untrusted signature is someone else's file and never makes a genuine record fail): a chain
// that starts after its expected start (chain_start), a missing seq between the lowest and
// highest present (gap), two different records with one seq or one prev_sha256 (fork), a
// prev_sha256 that is not the sha256 of the previous record's file, a seq 1 with a
// prev_sha256 or a later seq without one; created_at going backwards is a warning. Returns a
// finding for each device in `starts` without a trusted record.
std::vector<Finding> check_chains(std::vector<RecordReport>& reports,
                                  const ChainStarts& starts = {});

} // namespace divert
