// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>

namespace divert::cli {

// A laptop's divert configuration ($XDG_CONFIG_HOME/divert/config.yaml), set once by
// `divert keygen`. Relative paths in the file are relative to the file's directory; here they
// are already resolved.
struct Config {
  std::string path;        // the file it came from
  std::string officer;     // officer id
  std::string agency;      // agency code (e.g. its ORI)
  std::string agency_name; // optional
  std::string device;      // device id, generated once
  std::string key;         // private key file
  std::string key_fpr;     // the officer's key's SHA256: fingerprint (optional; keygen writes it)
  std::string records;     // records directory
  std::string policy;      // default policy for screen (id or path), may be empty
  std::string program;     // the program whose signed policies this laptop uses (optional)
  std::string policy_trust; // allowed_signers of the policy signers (optional; see divert(1))

  // The program id of policy signatures: `program`, else the agency code.
  const std::string& program_id() const { return program.empty() ? agency : program; }
};

// $XDG_CONFIG_HOME/divert (default ~/.config/divert).
std::string config_dir();
// $XDG_STATE_HOME/divert (default ~/.local/state/divert).
std::string state_dir();
// $XDG_DATA_HOME/divert (default ~/.local/share/divert).
std::string data_dir();
// config_dir() + "/config.yaml".
std::string config_path();

// Reads a configuration file; nullopt when it does not exist. Throws InputError (65) for a
// malformed file or an unknown key, KeyError (77) when a required key is missing (only with
// `complete`: decide and batch need no officer, key or records, only the policy trust).
std::optional<Config> read_config(const std::string& path, bool complete = true);

// The configuration screen and records use; KeyError (77) naming `divert keygen` when there is
// none.
Config load_config(const std::string& path);

// The text of a configuration file holding `config` (paths written as given).
std::string config_text(const Config& config);

// A new device id: "DEV-" and 12 Crockford base32 characters.
std::string new_device_id();

} // namespace divert::cli
