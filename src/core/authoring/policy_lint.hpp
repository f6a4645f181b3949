// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/policy/policy.hpp"
#include "core/policy/policy_loader.hpp"
#include "core/policy/policy_source.hpp"

#include <string>
#include <vector>

namespace divert {

// One lint check: its id (shown as [id] after each finding), its severity and a one-line
// description for the man page and `policy lint --list-checks`.
struct LintCheck {
  const char* id;
  Severity severity;
  const char* summary;
};

// Every check policy lint runs, in the order the man page lists them.
const std::vector<LintCheck>& lint_checks();

// The checks beyond what loading enforces, for a policy that loaded. Findings about rules and
// questions are made only for those the top layer (the file named on the command line)
// defines: its base layers are linted when they are named. `sources` holds the text of every
// layer so that findings point at the key or the column inside a condition. `today` is the
// front-end's date for review and end dates.
std::vector<Diagnostic> lint_policy(const Policy& policy, const PolicySources& sources, Days today);

// Lints one policy file: a YAML or load error is a finding (never thrown), located and given
// its check id; a policy that loads gets every check of lint_policy() and the loader's notes.
std::vector<Diagnostic> lint_policy_file(const PolicyText& top, const PolicyResolver& resolve,
                                         Days today);

// The lint check a load error is reported under: its code where the code is a check of
// lint_checks() (unknown-question, unknown-value, unknown-pathway, yaml...), "load" otherwise.
std::string lint_check_for(const Diagnostic& load_error);

} // namespace divert
