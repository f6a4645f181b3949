// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace divert::cli {

// The one place where divert makes files appear. Every file is written to a temporary name in
// its final directory, fsynced, then moved to its final name without ever replacing an
// existing file (renameat2 RENAME_NOREPLACE, or link(2) where that is unsupported), and the
// directory is fsynced. On any failure -- a full disk, a permission, an existing file, an
// interruption (SIGINT, SIGTERM, SIGHUP are held back while files are published) -- every
// temporary file and every final name made so far is removed, and the error says why:
// CannotCreateError (73) for an existing file or a permission, IoError (74) for a write
// failure, Interrupted (130).

struct NewFile {
  std::string name; // file name within the directory
  std::string content;
  unsigned mode = 0600;
};

// Creates `dir` and missing parents with mode 0700 (existing directories are left as they are).
void make_private_dir(const std::string& dir);

// Publishes `files` into `dir` in order, all or nothing (see above). A non-empty `owner` (a
// device id) is part of the temporary names, ".<name>.tmp-<owner>-XXXXXX", so that a device
// cleans up after its own crashes without touching what another device is publishing.
void publish_files(const std::string& dir, const std::vector<NewFile>& files,
                   const std::string& owner = {});

// Replaces `path` atomically (temporary file, fsync, rename, directory fsync): for state that
// is meant to be overwritten, never for records or keys. `owner` as for publish_files.
void replace_file(const std::string& path, const std::string& content,
                  const std::string& owner = {}, unsigned mode = 0600);

// A signed record ready to publish.
struct SignedRecord {
  std::string record_id;
  std::string json;   // the canonical bytes
  std::string sshsig; // the armored signature
};

// Where a record went.
struct PublishedRecord {
  std::string id;
  std::string path;
  std::string signature_path;
  long long seq = 0;
  std::string sha256;
  std::string note; // a warning for the officer that does not make the publish fail
};

// The record publishing protocol of divert-record(5), safe against crashes, kills, full disks
// and other devices publishing into the same folder. Under an exclusive lock on the device's
// state ($state/devices/<device>.lock):
//  1. reads the device's state: its last seq and record sha256, and the reservation of a
//     publish that did not finish, which it settles: a record that was published becomes the
//     last one; one that was not frees its seq again (and its orphan signature goes);
//  2. removes the temporary files this device left (its id is in their names; never another
//     device's files);
//  3. calls `make` with the next seq and the previous sha256 (nullopt for seq 1);
//  4. reserves that seq durably (the state names the record, its folder and its hashes)
//     BEFORE anything is published: if that fails, nothing is published (IoError, 74);
//  5. publishes REF-<id>.json.sshsig then REF-<id>.json and checks both are in place;
//  6. records the publish in the state; if that write fails the record still stands (the
//     reservation names it) and `note` says so.
// So no crash, kill or full disk gives two records one seq, or leaves a seq without a record.
PublishedRecord publish_record(
    const std::string& records_dir, const std::string& state_dir, const std::string& device_id,
    const std::function<SignedRecord(long long seq, const std::optional<std::string>& prev)>& make);

} // namespace divert::cli
