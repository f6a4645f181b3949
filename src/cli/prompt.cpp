// SPDX-License-Identifier: Apache-2.0
#include "cli/prompt.hpp"

#include "cli/app.hpp"

#include "cli/render.hpp"

#include "core/decision/interview.hpp"
#include "core/base/text_util.hpp"
#include "core/base/yaml_doc.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <istream>
#include <ostream>
#include <set>
#include <unistd.h>

namespace divert::cli {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
volatile std::sig_atomic_t g_held = 0;

extern "C" void on_interrupt(int) {
  g_interrupted = 1;
  if (g_held != 0) {
    return; // a record is being published: let it finish, then report it
  }
  // Nothing is half-published while the officer is being asked (drafts and records are
  // written atomically, and publishing holds signals back), so leaving at once is safe.
  static const char k_message[] =
      "\ndivert: interrupted; nothing was published.\nTo continue: divert screen --resume\n";
  const ssize_t ignored = write(STDERR_FILENO, k_message, sizeof k_message - 1);
  (void)ignored;
  _exit(130);
}

// The officer chose to quit: not an error, but nothing was published (exit 130).
struct Quit {};

std::string trim(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  const size_t end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool all_digits(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string shown(const ChoiceValue& v) { return v.label.empty() ? v.code : v.label; }

// What the officer typed for a list: its number, its label or code, or the start of one label
// (any case) that no other label starts with. Returns "" and sets `index`, or the problem.
std::string pick_value(const std::vector<ChoiceValue>& values, const std::string& typed,
                       int& index) {
  index = -1;
  if (all_digits(typed)) {
    const size_t n = typed.size() < 4 ? static_cast<size_t>(std::stoi(typed)) : 0;
    if (n < 1 || n > values.size()) return fmt::format("type a number from 1 to {}", values.size());
    index = static_cast<int>(n - 1);
    return {};
  }
  const std::string word = lower(typed);
  std::vector<size_t> starts;
  for (size_t i = 0; i < values.size(); ++i) {
    if (lower(shown(values[i])) == word || lower(values[i].code) == word) {
      index = static_cast<int>(i);
      return {};
    }
    if (lower(shown(values[i])).starts_with(word)) starts.push_back(i);
  }
  if (starts.size() == 1) {
    index = static_cast<int>(starts.front());
    return {};
  }
  if (starts.size() > 1) {
    std::vector<std::string> labels;
    for (size_t i : starts) labels.push_back(fmt::format("{} {}", i + 1, shown(values[i])));
    return fmt::format("'{}' could be {}; type its number", typed, join(labels, ", "));
  }
  std::vector<std::string> labels;
  for (const ChoiceValue& v : values) labels.push_back(lower(shown(v)));
  std::string suggestion = did_you_mean(word, labels);
  return fmt::format("'{}' is not in the list{}; type a number from 1 to {}", typed, suggestion,
                     values.size());
}

// "2.5", "2.5g", "2.5 g", "2.5 grams": the number, when what follows it names the unit.
std::optional<std::string> strip_unit(const std::string& typed, const std::string& unit) {
  size_t end = typed.size();
  while (end > 0 && std::isalpha(static_cast<unsigned char>(typed[end - 1]))) --end;
  if (end == typed.size()) return typed;
  const std::string word = lower(typed.substr(end));
  const std::string u = lower(unit);
  if (u.empty() || !(word.starts_with(u) || u.starts_with(word))) return std::nullopt;
  return trim(typed.substr(0, end));
}

class Walkthrough {
public:
  Walkthrough(const Policy& policy, Answers& answers, std::vector<int>& history, Io& io,
              const WalkthroughHooks& hooks, const WalkthroughOptions& options)
      : m_policy(policy), m_answers(answers), m_history(history), m_io(io), m_hooks(hooks),
        m_options(options) {}

  int run() {
    banner();
    for (;;) {
      Decision decision = evaluate(m_policy, m_answers, m_options.today);
      drop_stale(decision);
      decision = evaluate(m_policy, m_answers, m_options.today);
      int next = m_forced_next;
      m_forced_next = -1;
      // A record-only question left blank is not asked again: plan as if it were answered
      // (no rule reads text, so the decision is the same).
      Answers probe = m_answers;
      for (int skipped : m_skipped) probe.slots[static_cast<size_t>(skipped)].present = true;
      const InterviewPlan plan = plan_interview(m_policy, probe, decision);
      if (next < 0) {
        next = plan.next;
        announce_stage(plan.stage, decision);
      }
      if (next < 0) {
        if (decision_screen(decision)) {
          return exit_for_screening(decision.outcome, m_action);
        }
        continue;
      }
      ask(static_cast<size_t>(next), plan, decision);
    }
  }

private:
  // Every line fits the screen: wrapped, continuation lines under its leading spaces.
  void line(const std::string& text = {}) {
    const size_t indent = std::min(text.find_first_not_of(' '), text.size());
    if (indent == text.size()) {
      m_io.out << '\n';
      return;
    }
    m_io.out << wrap(std::string_view(text).substr(indent), std::string(indent, ' '));
  }

  std::string bold(const std::string& text) const {
    return m_options.color ? "\x1b[1m" + text + "\x1b[0m" : text;
  }

  void banner() {
    if (m_options.demo) {
      line("DEMONSTRATION: a demo key, configuration and records; nothing here is real.");
    }
    m_io.out << wrap(fmt::format("Screening under {} {}: {}", m_policy.id, m_policy.version,
                                 m_policy.title),
                     "");
    if (!m_options.policy_banner.empty()) {
      m_io.out << wrap("NOTE: " + m_options.policy_banner, "");
    }
    line("At any question: ? help and why it is asked, b back, r review answers, q quit.");
  }

  std::string read_line(const std::string& prompt) {
    m_io.out << prompt << std::flush;
    std::string text;
    if (!std::getline(m_io.in, text)) {
      line();
      throw Interrupted(std::string("end of input; nothing was published.\n") + k_resume_hint);
    }
    return trim(text);
  }

  bool confirm_quit() {
    const std::string answer =
        lower(read_line(prompt("Quit without a record? Your answers are kept as a draft "
                               "(divert screen --resume). y/n >")));
    if (answer == "y" || answer == "yes") {
      m_io.out << wrap("Quit: nothing was published; the draft is kept, and divert screen "
                       "--resume continues it.",
                       "");
      throw Quit{};
    }
    return false;
  }

  void announce_stage(InterviewPlan::Stage stage, const Decision& decision) {
    if (stage == m_stage) return;
    const bool outcome_known = stage != InterviewPlan::Stage::outcome;
    if (outcome_known && m_stage == InterviewPlan::Stage::outcome &&
        decision.outcome != Outcome::incomplete) {
      line();
      line(fmt::format("The outcome is now known: {}.", bold(outcome_words(decision.outcome))));
      if (stage == InterviewPlan::Stage::notice) {
        line("A few more questions only decide what the law required of you today.");
      } else if (stage == InterviewPlan::Stage::record) {
        line("A few more details for the record.");
      }
    }
    m_stage = stage;
  }

  static const char* outcome_words(Outcome o) {
    switch (o) {
    case Outcome::eligible: return "ELIGIBLE";
    case Outcome::ineligible: return "INELIGIBLE";
    case Outcome::needs_approval: return "NEEDS APPROVAL";
    case Outcome::incomplete: return "INCOMPLETE";
    }
    return "?";
  }

  // Typed answers that a change made irrelevant are dropped, and the officer is told which.
  void drop_stale(const Decision& decision) {
    std::vector<std::string> dropped;
    for (int q : answers_no_longer_asked(m_policy, m_answers, decision)) {
      const auto it = std::find(m_history.begin(), m_history.end(), q);
      if (it == m_history.end()) continue; // given in a file: held, listed as unused
      m_history.erase(it);
      m_answers.clear(static_cast<size_t>(q));
      const Question& question = m_policy.questions[static_cast<size_t>(q)];
      dropped.push_back(question.label.empty() ? question.id : question.label);
    }
    if (!dropped.empty()) {
      m_io.out << wrap("No longer asked, so dropped: " + join(dropped, "; "), "  ");
      save();
    }
  }

  void save() {
    if (m_hooks.save_draft) m_hooks.save_draft(m_answers, m_history);
  }

  void show_choices(const Question& q) {
    const std::vector<ChoiceValue>& values =
        q.type == QuestionType::choice ? q.values : q.categories;
    const size_t width = screen_columns() - 1;
    // One column while the list fits a small screen; two beyond that, where a label too long
    // for its column is cut.
    const bool two_columns = values.size() > 14;
    const size_t column = width / 2;
    for (size_t i = 0; i < values.size(); ++i) {
      const std::string label = values[i].label.empty() ? values[i].code : values[i].label;
      std::string item = fmt::format("{:>3} {}", i + 1, label);
      if (two_columns) {
        item = fmt::format("{:>2} {}", i + 1, label);
        if (item.size() > column - 1) item = item.substr(0, column - 2) + "~";
        if (i % 2 == 0) {
          m_io.out << fmt::format("{:<{}}", item, column);
          if (i + 1 == values.size()) line();
        } else {
          line(item);
        }
      } else {
        m_io.out << wrap_hanging(label, fmt::format("{:>3} ", i + 1), "    ");
      }
    }
  }

  // The question as asked: its number, label, choices and the current answer. Shown again
  // after help and after a refused answer, so that it never scrolls out of sight.
  void show_question(size_t qi) {
    const Question& q = m_policy.questions[qi];
    line(fmt::format("Question {} of at most {}{}", m_number, m_at_most,
                     m_options.demo ? "  [DEMO]" : ""));
    m_io.out << wrap(bold(q.label.empty() ? q.id : q.label), "");
    if (q.type == QuestionType::choice || q.type == QuestionType::convictions) show_choices(q);
    const Slot& current = m_answers.slots[qi];
    if (current.present) {
      m_io.out << wrap("Now: " + describe_answer(q, current) + " (Enter keeps it)", "  ");
    }
  }

  // A prompt wrapped to the screen; the cursor stays after its last line.
  std::string prompt(const std::string& text) {
    std::string wrapped = wrap(text, "");
    if (!wrapped.empty()) wrapped.pop_back();
    return wrapped + " ";
  }

  std::string hint(const Question& q) const {
    switch (q.type) {
    case QuestionType::boolean: return "y = yes, n = no";
    case QuestionType::choice: return "a number from the list";
    case QuestionType::number:
    case QuestionType::integer: {
      std::string h = q.type == QuestionType::integer ? "a whole number" : "a number";
      if (!q.unit.empty()) h += " in " + q.unit;
      if (q.min && q.max)
        h += fmt::format(", {} to {}", format_number(*q.min), format_number(*q.max));
      else if (q.min) h += fmt::format(", at least {}", format_number(*q.min));
      return h;
    }
    case QuestionType::date: return "YYYY-MM-DD, or today";
    case QuestionType::convictions: return "one at a time; an empty line when done";
    case QuestionType::text: return "free text; Enter to leave it blank";
    }
    return {};
  }

  void help(size_t qi, const InterviewPlan& plan) {
    const Question& q = m_policy.questions[qi];
    line();
    if (!q.help.empty()) m_io.out << wrap(q.help, "  ");
    std::vector<std::string> why;
    for (const Rule& rule : m_policy.rules) {
      if (std::find(rule.reads.begin(), rule.reads.end(), static_cast<int>(qi)) !=
          rule.reads.end()) {
        why.push_back("- " + rule.explain);
      }
    }
    (void)plan;
    if (why.empty()) {
      line("  Asked for the record; no rule reads it.");
    } else {
      line("  Why this is asked (the rules that need it):");
      for (const std::string& w : why) m_io.out << wrap(w, "  ");
    }
    m_io.out << wrap("Answers: " + hint(q) + ". Commands: b back, r review and change, q quit.",
                     "  ");
    line();
  }

  void ask(size_t qi, const InterviewPlan& plan, const Decision& decision) {
    (void)decision;
    const Question& q = m_policy.questions[qi];
    m_number = m_history.size() + 1;
    m_at_most =
        std::max(m_number, m_history.size() + static_cast<size_t>(std::max(plan.remaining, 1)));
    line();
    show_question(qi);
    if (q.type == QuestionType::convictions) {
      ask_convictions(qi, plan);
      return;
    }
    const Slot& current = m_answers.slots[qi];
    // Enter at the incident date means today, and the prompt says which day that is.
    const bool today_by_default =
        !current.present && static_cast<int>(qi) == m_policy.incident_date_question;
    const std::string hint_text =
        today_by_default
            ? fmt::format("YYYY-MM-DD, or Enter for today, {}", format_date(m_options.today))
            : hint(q);
    for (;;) {
      const std::string typed = read_line(prompt(fmt::format("({}) >", hint_text)));
      if (const std::optional<bool> leave = question_command(typed, qi, plan)) {
        if (*leave) return;
        continue;
      }
      if (typed.empty() && current.present) {
        record_typed(qi);
        return;
      }
      if (typed.empty() && q.type == QuestionType::text) {
        m_skipped.insert(static_cast<int>(qi));
        return;
      }
      std::string problem;
      if (typed.empty() && !today_by_default) {
        problem = "please answer, or type ? for help";
      } else {
        problem = accept_typed_answer(m_policy, qi, typed.empty() ? "today" : typed,
                                      m_options.today, m_answers);
      }
      if (!problem.empty()) {
        line();
        m_io.out << wrap("Not accepted: " + problem + ". Try again.", "  ");
        show_question(qi);
        continue;
      }
      if (typed.empty()) m_io.out << wrap("Today: " + format_date(m_options.today), "  ");
      record_typed(qi);
      return;
    }
  }

  // The commands every question takes: ? help, q quit, b back, r review. nullopt when `typed`
  // is none of them; else whether the question is left (b, r) rather than asked again.
  std::optional<bool> question_command(const std::string& typed, size_t qi,
                                       const InterviewPlan& plan) {
    if (typed == "?") {
      help(qi, plan);
      show_question(qi);
      return false;
    }
    if (typed == "q") {
      confirm_quit();
      return false;
    }
    if (typed == "b") {
      back(qi);
      return true;
    }
    if (typed == "r") {
      review();
      return true;
    }
    return std::nullopt;
  }

  void ask_convictions(size_t qi, const InterviewPlan& plan) {
    const Question& q = m_policy.questions[qi];
    const bool had = m_answers.slots[qi].present;
    std::vector<ConvictionItem> items;
    for (;;) {
      const std::string typed = read_line(prompt(
          fmt::format("Conviction {}: number or name (Enter when done) >", items.size() + 1)));
      if (const std::optional<bool> leave = question_command(typed, qi, plan)) {
        if (*leave) return;
        continue;
      }
      if (typed.empty()) {
        if (items.empty() && had) {
          record_typed(qi);
          return;
        }
        break;
      }
      int category = -1;
      if (const std::string problem = pick_value(q.categories, typed, category); !problem.empty()) {
        line();
        m_io.out << wrap("Not accepted: " + problem + ". Try again.", "  ");
        show_question(qi);
        continue;
      }
      for (;;) {
        const std::string date_text = read_line(prompt("  Conviction date (YYYY-MM-DD) >"));
        if (date_text == "q") {
          confirm_quit();
          continue;
        }
        std::optional<Days> date = parse_date(date_text);
        if (lower(date_text) == "today") date = m_options.today;
        if (!date) {
          line("  Not accepted: a calendar date YYYY-MM-DD. Try again.");
          continue;
        }
        items.push_back({category, *date});
        break;
      }
    }
    m_answers.clear(qi);
    m_answers.slots[qi].items = items;
    m_answers.slots[qi].present = true;
    if (const std::string problem = past_date_problem(m_policy, m_answers); !problem.empty()) {
      m_io.out << wrap("Not accepted: " + officer_words(m_policy, problem) +
                           ". Please enter the convictions again.",
                       "  ");
      m_answers.clear(qi);
      m_forced_next = static_cast<int>(qi);
      return;
    }
    line(items.empty() ? "  Recorded: no convictions."
                       : fmt::format("  Recorded: {} conviction(s).", items.size()));
    record_typed(qi);
  }

  void record_typed(size_t qi) {
    m_answers.sources[qi] = AnswerSource::typed;
    m_answers.where[qi] = SourceLocation{"typed", 0, 0};
    if (std::find(m_history.begin(), m_history.end(), static_cast<int>(qi)) == m_history.end()) {
      m_history.push_back(static_cast<int>(qi));
    }
    save();
  }

  void back(size_t current) {
    // The question before this one in the order they were typed; its answer is kept until
    // it is changed.
    auto it = std::find(m_history.begin(), m_history.end(), static_cast<int>(current));
    if (it == m_history.begin() || m_history.empty()) {
      line("  This is the first question; nothing to go back to.");
      m_forced_next = static_cast<int>(current);
      return;
    }
    const int previous = it == m_history.end() ? m_history.back() : *(it - 1);
    m_history.erase(std::find(m_history.begin(), m_history.end(), previous));
    m_forced_next = previous;
  }

  void review() {
    std::vector<size_t> listed;
    line();
    line("Answers so far:");
    for (size_t q = 0; q < m_policy.questions.size(); ++q) {
      if (!m_answers.slots[q].present) continue;
      listed.push_back(q);
      const Question& question = m_policy.questions[q];
      std::string label = question.label.empty() ? question.id : question.label;
      if (!label.ends_with("?") && !label.ends_with(":")) label += ":";
      m_io.out << wrap_hanging(fmt::format("{:>2}. {} {}{}", listed.size(), label,
                                           describe_answer(question, m_answers.slots[q]),
                                           m_answers.sources[q] == AnswerSource::typed
                                               ? ""
                                               : fmt::format(" ({})", answer_source_name(
                                                                          m_answers.sources[q]))),
                               "", "    ");
    }
    if (listed.empty()) {
      line("  (none yet)");
      return;
    }
    for (;;) {
      const std::string typed = read_line("Number to change, or Enter to go on > ");
      if (typed.empty()) return;
      if (typed == "q") {
        confirm_quit();
        continue;
      }
      if (std::all_of(typed.begin(), typed.end(), ::isdigit) && typed.size() < 4) {
        const size_t n = static_cast<size_t>(std::stoi(typed));
        if (n >= 1 && n <= listed.size()) {
          m_forced_next = static_cast<int>(listed[n - 1]);
          return;
        }
      }
      line(fmt::format("  Type a number from 1 to {}, or Enter.", listed.size()));
    }
  }

  // Returns true once a record is signed.
  bool decision_screen(const Decision& decision) {
    line();
    line(std::string(screen_columns() - 1, '='));
    if (m_options.demo) line("DEMONSTRATION ONLY");
    render_decision(m_io.out, m_policy, decision, m_options.color, true);
    line(std::string(screen_columns() - 1, '='));
    const bool can_refer =
        decision.outcome == Outcome::eligible || decision.outcome == Outcome::needs_approval;
    if (decision.outcome == Outcome::incomplete) {
      line("Some answers are still missing; type r to review them, or q to quit.");
    } else if (can_refer) {
      m_io.out << wrap("Type sign to refer and sign the record, or decline if you will not refer "
                       "(you will be asked why). b back, r review, q quit without a record.",
                       "");
    } else {
      m_io.out << wrap("Type sign to sign the record of this screening, or exception to ask for "
                       "an exception (you will be asked why). b back, r review, q quit without a "
                       "record.",
                       "");
    }
    for (;;) {
      const std::string typed = lower(read_line("> "));
      if (typed == "q") {
        confirm_quit();
        continue;
      }
      if (typed == "r") {
        review();
        return false;
      }
      if (typed == "b") {
        if (!m_history.empty()) {
          m_forced_next = m_history.back();
          m_history.pop_back();
        } else {
          line("  Nothing to go back to.");
          continue;
        }
        return false;
      }
      if (typed == "?") {
        line("  sign: sign the record; decline/exception: say why first; b, r, q as before.");
        continue;
      }
      if (decision.outcome == Outcome::incomplete) {
        line("  The decision is incomplete: type r to review the answers, or q to quit.");
        continue;
      }
      std::optional<OfficerAction> action;
      if (typed == "sign") {
        if (can_refer) action = OfficerAction{ActionKind::refer, {}};
      } else if (typed == "decline" && can_refer) {
        action =
            OfficerAction{ActionKind::decline, read_reason("Why will you not refer this person?")};
      } else if (typed == "exception" && !can_refer) {
        action = OfficerAction{ActionKind::exception_requested,
                               read_reason("Why should an exception be made?")};
      } else {
        line(can_refer ? "  Type sign, decline, b, r or q." : "  Type sign, exception, b, r or q.");
        continue;
      }
      sign(decision, action);
      return true;
    }
  }

  std::string read_reason(const std::string& question) {
    for (;;) {
      std::string reason = read_line(prompt(question + " >"));
      if (reason == "q") {
        confirm_quit();
        continue;
      }
      if (!reason.empty()) return reason;
      line("  A reason is required.");
    }
  }

  void sign(const Decision& decision, const std::optional<OfficerAction>& action) {
    SignedScreening signed_record;
    for (int attempt = 1;; ++attempt) {
      // The passphrase is asked on the terminal directly: what we printed must show first.
      m_io.out << std::flush;
      try {
        signed_record = m_hooks.sign(m_answers, decision, action);
        break;
      } catch (const KeyError& e) {
        const std::string what = e.what();
        if (what.find("passphrase") == std::string::npos || attempt >= 3 ||
            what.find("wrong") == std::string::npos) {
          throw;
        }
        line("  Wrong passphrase; try again.");
      }
    }
    m_action = action;
    line();
    const std::string demo = m_options.demo ? "  [DEMO]" : "";
    const ActionKind kind = action ? action->kind : ActionKind::refer;
    if (action && kind == ActionKind::decline) {
      line(bold("Declined: not referred.") + " The record is signed and saved." + demo);
      m_io.out << wrap("Reason: " + action->reason, "  ");
    } else if (action && kind == ActionKind::exception_requested) {
      line(bold("Exception requested: not referred yet.") + " The record is signed and saved." +
           demo);
      m_io.out << wrap("Reason: " + action->reason, "  ");
    } else if (action) {
      line(bold("Referred.") + " The record is signed and saved." + demo);
    } else {
      line(bold("Not referred (ineligible).") + " The record is signed and saved." + demo);
    }
    // File and folder on lines of their own, so that a long path still fits the screen.
    const std::filesystem::path record_path(signed_record.path);
    m_io.out << wrap("Record id: " + signed_record.record_id, "  ");
    m_io.out << wrap("Record: " + record_path.filename().string(), "  ");
    m_io.out << wrap("Folder: " + record_path.parent_path().string(), "  ");
    m_io.out << wrap("Signed with key " + signed_record.fingerprint, "  ");
    line();
    if (action && kind == ActionKind::refer && decision.referral) {
      hand_off_card(*decision.referral, signed_record.record_id);
    } else if (action && kind == ActionKind::decline) {
      m_io.out << wrap("No hand-off: proceed as you would without LEAD, under your agency's "
                       "usual procedure.",
                       "");
    } else if (action && kind == ActionKind::exception_requested) {
      m_io.out << wrap(fmt::format("What happens next: the request (record {}) goes to {} for "
                                   "approval. The person is not referred unless it is approved; "
                                   "until then, proceed as you would without LEAD.",
                                   signed_record.record_id, exception_approver()),
                       "");
    } else {
      m_io.out << wrap(instead_of_referral(), "");
    }
  }

  void hand_off_card(const Referral& referral, const std::string& record_id) {
    const size_t width = screen_columns() - 1;
    line("+-- HAND-OFF " + std::string(width - 13, '-'));
    m_io.out << wrap("Record id: " + record_id, "| ");
    m_io.out << wrap("Provider: " + referral.provider, "| ");
    m_io.out << wrap("Contact: " + referral.contact, "| ");
    if (referral.intake_deadline) {
      m_io.out << wrap("Intake by: " + format_date(*referral.intake_deadline), "| ");
    }
    if (!referral.approver.empty()) {
      m_io.out << wrap("Must be approved by: " + referral.approver, "| ");
    }
    line("+" + std::string(width - 1, '-'));
  }

  // Who decides on an exception: the approvers the policy names, else the program.
  std::string exception_approver() const {
    std::vector<std::string> approvers;
    for (const Rule& rule : m_policy.rules) {
      if (!rule.approver.empty() &&
          std::find(approvers.begin(), approvers.end(), rule.approver) == approvers.end()) {
        approvers.push_back(rule.approver);
      }
    }
    return approvers.empty() ? "your supervisor and the LEAD program" : join(approvers, " or ");
  }

  // What an ineligible outcome leaves the officer: the usual procedure, or the social-contact
  // pathway where the policy offers one and this was an arrest.
  std::string instead_of_referral() const {
    std::string text = "Instead: proceed as you would without LEAD (book, cite or release under "
                       "your agency's usual procedure).";
    const int pq = m_policy.pathway_question;
    if (pq < 0) return text;
    const Slot& pathway = m_answers.slots[static_cast<size_t>(pq)];
    const Question& question = m_policy.questions[static_cast<size_t>(pq)];
    const int social = question.value_index(vocabulary::social_contact);
    const bool offered =
        social >= 0 && (m_policy.pathways.empty() ||
                        std::find(m_policy.pathways.begin(), m_policy.pathways.end(),
                                  vocabulary::social_contact) != m_policy.pathways.end());
    if (offered && pathway.present && static_cast<int>(pathway.x) != social) {
      const ChoiceValue& v = question.values[static_cast<size_t>(social)];
      text += fmt::format(" This policy also has a social-contact pathway (\"{}\"): without an "
                          "arrest, the person may be referred that way if they meet its criteria.",
                          v.label.empty() ? v.code : v.label);
    }
    return text;
  }

  const Policy& m_policy;
  Answers& m_answers;
  std::vector<int>& m_history;
  Io& m_io;
  const WalkthroughHooks& m_hooks;
  const WalkthroughOptions& m_options;
  int m_forced_next = -1;
  size_t m_number = 0;                   // of the question being asked
  size_t m_at_most = 0;                  // questions this screening may still ask, at most
  std::optional<OfficerAction> m_action; // what was signed
  std::set<int> m_skipped;
  InterviewPlan::Stage m_stage = InterviewPlan::Stage::outcome;
};

} // namespace

void catch_interrupts() {
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
}

bool interrupted() { return g_interrupted != 0; }

InterruptHold::InterruptHold() { g_held = 1; }
InterruptHold::~InterruptHold() { g_held = 0; }

std::string describe_answer(const Question& q, const Slot& slot) {
  if (!slot.present) return "(not answered)";
  switch (q.type) {
  case QuestionType::boolean: return slot.x != 0 ? "yes" : "no";
  case QuestionType::choice: {
    return shown(q.values[static_cast<size_t>(slot.x)]);
  }
  case QuestionType::number:
  case QuestionType::integer:
    return q.unit.empty() ? format_number(slot.x) : format_number(slot.x) + " " + q.unit;
  case QuestionType::date: return format_date(static_cast<Days>(slot.x));
  case QuestionType::convictions: {
    if (slot.items.empty()) return "none";
    std::vector<std::string> parts;
    for (const ConvictionItem& item : slot.items) {
      parts.push_back(fmt::format("{} {}", shown(q.categories[static_cast<size_t>(item.category)]),
                                  format_date(item.date)));
    }
    return join(parts, "; ");
  }
  case QuestionType::text: return slot.text;
  }
  return {};
}

std::string accept_typed_answer(const Policy& policy, size_t q, const std::string& typed,
                                Days today, Answers& answers) {
  const Question& question = policy.questions[q];
  YamlNode value;
  value.kind = YamlNode::Kind::scalar;
  value.scalar = typed;
  const std::string word = lower(typed);
  switch (question.type) {
  case QuestionType::boolean:
    if (word == "y" || word == "yes") value.scalar = "true";
    else if (word == "n" || word == "no") value.scalar = "false";
    else return "type y for yes or n for no";
    break;
  case QuestionType::choice: {
    int index = -1;
    if (std::string problem = pick_value(question.values, typed, index); !problem.empty()) {
      return problem;
    }
    value.scalar = question.values[static_cast<size_t>(index)].code;
    break;
  }
  case QuestionType::number:
  case QuestionType::integer: {
    // The unit is shown, so officers type it: "2.5 g", "2.5g", "2.5 grams".
    const std::optional<std::string> number = strip_unit(typed, question.unit);
    if (!number) {
      return fmt::format("type {}",
                         question.type == QuestionType::integer ? "a whole number" : "a number") +
             (question.unit.empty() ? "" : " in " + question.unit);
    }
    value.scalar = *number;
    break;
  }
  case QuestionType::date:
    if (word == "today") value.scalar = format_date(today);
    break;
  case QuestionType::text: value.quoted = true; break;
  case QuestionType::convictions: return "convictions are entered one at a time";
  }
  Slot before = answers.slots[q];
  std::string problem = assign_yaml_value(policy, q, value, answers);
  if (problem.empty() && static_cast<int>(q) == policy.incident_date_question &&
      static_cast<Days>(answers.slots[q].x) > today) {
    problem = fmt::format("{} is after today ({}); an incident cannot be in the future",
                          format_date(static_cast<Days>(answers.slots[q].x)), format_date(today));
  }
  if (problem.empty()) problem = past_date_problem(policy, answers);
  if (!problem.empty()) {
    answers.slots[q] = before;
    return officer_words(policy, problem);
  }
  return {};
}

int run_walkthrough(const Policy& policy, Answers& answers, std::vector<int>& history, Io& io,
                    const WalkthroughHooks& hooks, const WalkthroughOptions& options) {
  Walkthrough walkthrough(policy, answers, history, io, hooks, options);
  try {
    return walkthrough.run();
  } catch (const Quit&) {
    return exit_interrupted;
  }
}

} // namespace divert::cli
