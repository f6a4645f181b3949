// SPDX-License-Identifier: Apache-2.0
#include "cli/screen_interactive.hpp"

#include "cli/app.hpp"

#include "cli/config.hpp"
#include "cli/draft.hpp"
#include "cli/prompt.hpp"
#include "cli/render.hpp"

#include "core/base/error.hpp"
#include "core/record/record.hpp"

#include <fmt/format.h>

#include <istream>
#include <ostream>

namespace divert::cli {

bool is_interactive_screen(const ScreenOptions& opts, const Io& io) {
  return !opts.no_input && !opts.json && io.stdin_is_tty && io.stdout_is_tty;
}

bool prepare_interactive_screen(ScreenOptions& opts, Io& io) {
  const std::string path =
      draft_path(opts.demo, opts.demo ? std::string()
                                      : further_officer_of(
                                            selected_config_path(config_store(), opts.officer)));
  if (opts.discard) {
    // Not read: a draft that may not be resumed (not private, planted) may still be discarded.
    const bool had = draft_exists(path);
    remove_draft(path);
    io.out << (had ? "The interrupted screening was discarded.\n"
                   : "There was no interrupted screening to discard.\n");
    return false;
  }
  if (!opts.resume && opts.policy.empty()) {
    // A kept screening is offered under its own policy, whatever the configured one is.
    bool expired = false;
    if (const std::optional<Draft> draft = load_draft(path, now_seconds(), expired)) {
      opts.policy = draft->policy;
    }
  }
  if (opts.resume) {
    bool expired = false;
    const std::optional<Draft> draft = load_draft(path, now_seconds(), expired);
    if (!draft) {
      throw MissingInputError(expired ? "the interrupted screening was more than 24 hours old "
                                        "and has been removed (drafts hold personal data)"
                                      : "there is no interrupted screening to resume");
    }
    if (opts.policy.empty()) {
      opts.policy = draft->policy;
    }
  }
  return true;
}

int run_interactive_screen(const ScreenSession& session, const ScreenOptions& opts, Answers answers,
                           Io& io) {
  catch_interrupts();
  const Policy& policy = session.policy;
  const std::string path = draft_path(session.demo, further_officer_of(session.config.path));
  const std::string policy_reference = opts.policy.empty() ? session.config.policy : opts.policy;
  std::vector<int> history;
  long long started_at = now_seconds();

  bool expired = false;
  std::optional<Draft> draft = load_draft(path, now_seconds(), expired);
  if (expired) {
    io.out << wrap("An interrupted screening more than 24 hours old was removed.", "");
  }
  if (draft) {
    const std::string draft_policy = draft->policy_id.empty() ? draft->policy : draft->policy_id;
    const std::string what =
        fmt::format("An interrupted screening under {}, started {} UTC, with {} answer{}",
                    draft_policy,
                    format_rfc3339(draft->started_at).substr(0, 16).replace(10, 1, " "),
                    draft->typed.size(), draft->typed.size() == 1 ? "" : "s");
    // A draft continues only under the policy it was started under: its answers were asked
    // and checked by that policy's questions.
    if (draft_policy != policy.id) {
      if (opts.resume) {
        throw UsageError(fmt::format("{} cannot continue under {}; run divert screen --resume "
                                     "without --policy",
                                     what, policy.id));
      }
      io.out << wrap(what + " is kept; it continues only under its own policy (divert screen "
                            "--resume).",
                     "");
      io.out << wrap(fmt::format("Discard it and start anew under {}? (y = discard it and start, "
                                 "n = keep it and stop)",
                                 policy.id),
                     "");
    } else if (!opts.resume) {
      io.out << wrap(what + " is kept. Resume it? (y = resume, n = discard it and start anew)", "");
    }
    if (draft_policy != policy.id || !opts.resume) {
      std::string reply;
      io.out << "> " << std::flush;
      if (!std::getline(io.in, reply)) {
        throw Interrupted(std::string("end of input; nothing was published.\n") + k_resume_hint);
      }
      const bool yes = reply.find('y') != std::string::npos;
      if (draft_policy != policy.id) {
        if (!yes) {
          io.out << wrap("Nothing changed; divert screen --resume continues the kept screening.",
                         "");
          return exit_interrupted;
        }
        remove_draft(path);
        draft.reset();
      } else if (!yes) {
        remove_draft(path);
        draft.reset();
      }
    }
  }
  if (draft) {
    Answers resumed(policy);
    restore_draft(*draft, policy, resumed, history);
    // Answers given now on the command line win over the draft's.
    for (size_t q = 0; q < policy.questions.size(); ++q) {
      if (answers.slots[q].present && answers.sources[q] != AnswerSource::default_value) {
        resumed.slots[q] = answers.slots[q];
        resumed.sources[q] = answers.sources[q];
      } else if (!resumed.slots[q].present && answers.slots[q].present) {
        resumed.slots[q] = answers.slots[q];
        resumed.sources[q] = answers.sources[q];
      }
    }
    answers = std::move(resumed);
    started_at = draft->started_at;
    io.out << fmt::format("Resuming: {} answer(s) kept.\n", history.size());
  }

  WalkthroughHooks hooks;
  hooks.save_draft = [&](const Answers& current, const std::vector<int>& typed) {
    save_draft(path, policy, policy_reference, current, typed, started_at, now_seconds());
  };
  hooks.sign = [&](const Answers& final_answers, const Decision& decision,
                   const std::optional<OfficerAction>& action) {
    const SigningKey key = [&] {
      try {
        return unlock_screen_key(session, opts, io);
      } catch (const Interrupted& e) {
        throw Interrupted(std::string(e.what()) + ".\n" + k_resume_hint);
      }
    }();
    const InterruptHold hold;
    const PublishedRecord record =
        sign_and_publish(session, final_answers, decision, action, opts.supersedes, key);
    remove_draft(path);
    return SignedScreening{record.id, record.path, key.public_key().fingerprint()};
  };
  WalkthroughOptions options;
  options.color = io.color;
  options.demo = session.demo;
  options.today = today();
  options.policy_banner = status_warning(policy);
  return run_walkthrough(policy, answers, history, io, hooks, options);
}

} // namespace divert::cli
