// SPDX-License-Identifier: Apache-2.0
#include "cli/cmd_policy.hpp"

#include "cli/config.hpp"
#include "cli/files.hpp"
#include "cli/keys.hpp"
#include "cli/passphrase.hpp"
#include "cli/publish.hpp"

#include "core/base/error.hpp"
#include "core/record/policy_signature.hpp"
#include "core/record/record.hpp"
#include "core/record/sshsig.hpp"

#include <fmt/format.h>

#include <memory>
#include <ostream>

namespace divert::cli {

namespace {

struct SignOptions {
  std::vector<std::string> policies;
  std::string key;
  std::string passphrase_file;
  std::string program;
};

// The program id and the key file: the flags, else this laptop's configuration (its
// `program`, else its agency code, and its key).
std::pair<std::string, std::string> program_and_key(const SignOptions& opts) {
  std::string program = opts.program;
  std::string key = opts.key;
  if (program.empty() || key.empty()) {
    const std::optional<Config> config = read_config(default_config_path(config_store()), false);
    if (config) {
      if (program.empty()) program = config->program_id();
      if (key.empty()) key = config->key;
    }
  }
  if (program.empty()) {
    throw UsageError("no program id: give --program ID, or set 'program' (or 'agency') in the "
                     "configuration");
  }
  if (!is_safe_id(program)) {
    throw UsageError(
        fmt::format("--program '{}' must be 1 to 64 characters from A-Z a-z 0-9 . _ -", program));
  }
  if (key.empty()) {
    throw KeyError("no signing key: give --key FILE, or set up this laptop with 'divert keygen "
                   "--officer ID --agency CODE'");
  }
  return {program, key};
}

int run_sign(const SignOptions& opts, Io& io) {
  const auto [program, key_file] = program_and_key(opts);
  // Every file must be a policy divert can load before anything is signed: a signature vouches
  // for a policy that has been tested, never for a typo.
  std::vector<PolicyText> texts;
  for (const std::string& reference : opts.policies) {
    PolicyText text = find_policy(reference);
    load_policy(text, policy_resolver());
    texts.push_back(std::move(text));
  }
  const SigningKey key =
      load_signing_key(key_file,
                       UnlockOptions{opts.passphrase_file, io.stdin_is_tty && terminal_available()},
                       io.err);
  const std::string ns = policy_namespace(program);
  const std::string fingerprint = key.public_key().fingerprint();
  for (const PolicyText& text : texts) {
    const std::string signature_path = text.display_name + ".sshsig";
    // Public, like the policy; replaced atomically when a changed policy is signed again.
    replace_file(signature_path, sshsig_sign(key, text.text, ns), {}, 0644);
    io.out << fmt::format("signed {} -> {} ({}, namespace {})\n", text.display_name, signature_path,
                          fingerprint, ns);
  }
  io.out << fmt::format("A laptop trusts these signatures with this line in its policy_trust "
                        "file:\n{} namespaces=\"{}\" {}\n",
                        program, ns, key.public_key().openssh());
  return exit_ok;
}

} // namespace

void register_policy_sign(CLI::App& policy, CommandState& state) {
  auto opts = std::make_shared<SignOptions>();
  CLI::App* cmd =
      policy.add_subcommand("sign",
                            "Sign policy files for laptops with a policy trust list: FILE.sshsig");
  cmd->footer("Sign each policy file (every layer a policy is built from, the vocabulary\n"
              "included) with the program's key: FILE.sshsig, an OpenSSH SSHSIG over the\n"
              "file's bytes in namespace divert-policy-v1@<program id>, replaced atomically.\n"
              "The program id is --program, else 'program' in the configuration, else its\n"
              "agency code. A file that does not load as a policy is not signed (65).\n"
              "A laptop whose configuration names policy_trust (an allowed_signers file)\n"
              "then decides only under policies signed so; check one with OpenSSH:\n"
              "  ssh-keygen -Y verify -f TRUST -I PROGRAM -n divert-policy-v1@PROGRAM \\\n"
              "             -s FILE.sshsig < FILE");
  cmd->add_option("policies", opts->policies, "Policy files (or ids) to sign")->required();
  cmd->add_option("--key", opts->key, "The program's private key (default: the configured key)");
  cmd->add_option("--passphrase-file", opts->passphrase_file,
                  "Read the key's passphrase from the first line of this file");
  cmd->add_option("--program", opts->program,
                  "Program id for the namespace (default: 'program', else 'agency', in the "
                  "configuration)");
  cmd->callback([opts, &state] { state.action = [opts](Io& io) { return run_sign(*opts, io); }; });
}

} // namespace divert::cli
