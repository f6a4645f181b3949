// SPDX-License-Identifier: Apache-2.0
// The shell completion scripts, driven without a terminal (bash through COMP_WORDS; zsh
// checked for syntax). Skipped when the shell is not installed.
#include "needs_program.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace {

std::string run(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return out;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0) out.append(buffer.data(), n);
  return out;
}

// The divert binary beside this test's build directory (build/tests/divert_unit_tests ->
// build/divert), so that completion can ask it for policy ids.
std::string build_dir() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().parent_path().string();
}

// What bash completes for `words` (the last word being completed).
std::string complete_bash(const std::string& words) {
  const std::string src = DIVERT_SOURCE_DIR;
  return run("cd '" + src + "' && PATH='" + build_dir() + "':\"$PATH\" DIVERT_POLICY_PATH='" + src +
             "/policies' bash -c 'source completions/divert.bash; COMP_WORDS=(" + words +
             "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _divert; ((${#COMPREPLY[@]})) && printf "
             "\"%s \" \"${COMPREPLY[@]}\"'");
}

} // namespace

TEST_SUITE("completion") {

  // Which options and subcommands each command offers is checked against --help by
  // tests/docs/completion_parity.sh; here, prefixes, option values and policy ids.
  TEST_CASE("bash completes commands, subcommands, options, values and policy ids" *
            DIVERT_NEEDS("bash")) {
    CHECK(complete_bash("divert po") == "policy ");
    CHECK(complete_bash("divert policy sch") == "schema ");
    CHECK(complete_bash("divert policy sign --p") == "--passphrase-file --program ");
    CHECK(complete_bash("divert policy show --format \"\"") == "text markdown dot json ");
    CHECK(complete_bash("divert records e") == "export ");
    if (std::filesystem::exists(build_dir() + "/divert")) {
      CHECK(complete_bash("divert policy show wa-w") == "wa-whatcom ");
      CHECK(complete_bash("divert decide --policy nm") == "nm-santa-fe ");
      // Abstract layers decide nothing: offered to policy show, not to --policy.
      CHECK(complete_bash("divert policy show wa-s") == "wa-state ");
      CHECK(complete_bash("divert decide --policy wa-s") == "");
      CHECK(complete_bash("divert screen -p lead") == "");
    }
  }

  TEST_CASE("the zsh completion function parses" * DIVERT_NEEDS("zsh")) {
    CHECK(std::system(
              ("zsh -n '" + std::string(DIVERT_SOURCE_DIR) + "/completions/_divert'").c_str()) ==
          0);
  }

} // TEST_SUITE
