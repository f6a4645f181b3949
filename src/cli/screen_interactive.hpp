// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cli/screen.hpp"

namespace divert::cli {

// Whether `divert screen` walks the officer through the checklist: standard input and output
// are terminals, and neither --no-input nor --json (which is for scripts) was given.
bool is_interactive_screen(const ScreenOptions& opts, const Io& io);

// Before the session opens: --discard drops the draft; a kept draft's policy is used when none
// was named (--resume, or a screening that will offer to resume it). Returns false when there is nothing more to do (after --discard alone).
bool prepare_interactive_screen(ScreenOptions& opts, Io& io);

// The interactive screening: resumes a draft when asked, walks through the checklist from the
// answers given (--answers, --set), keeps a private draft after every answer, and signs on the
// officer's word. Returns the exit status by outcome; Interrupted (130) when the officer quits.
int run_interactive_screen(const ScreenSession& session, const ScreenOptions& opts, Answers answers,
                           Io& io);

} // namespace divert::cli
