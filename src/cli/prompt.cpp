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
      "\ndivert: interrupted; nothing was published (divert screen --resume continues)\n";
  const ssize_t ignored = write(STDERR_FILENO, k_message, sizeof k_message - 1);
  (void)ignored;
  _exit(130);
}

std::string trim(std::string s) {
  const size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  const size_t end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
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
          return exit_for_outcome(decision.outcome);
        }
        continue;
      }
      ask(static_cast<size_t>(next), plan, decision);
    }
  }

private:
  void say(const std::string& text) { m_io.out << text; }
  void line(const std::string& text = {}) { m_io.out << text << '\n'; }

  std::string bold(const std::string& text) const {
    return m_options.color ? "\x1b[1m" + text + "\x1b[0m" : text;
  }

  void banner() {
    if (m_options.demo) {
      line("DEMONSTRATION: a demo key, configuration and records; nothing here is real.");
    }
    m_io.out << wrap(fmt::format("Screening under {} {}: {}", m_policy.id, m_policy.version,
                                 m_policy.title), "");
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
      throw Interrupted("end of input; nothing was published (divert screen --resume continues)");
    }
    return trim(text);
  }

  bool confirm_quit() {
    const std::string answer = lower(read_line("Quit without a record? Your answers are kept as a draft "
                                               "(divert screen --resume). y/n > "));
    if (answer == "y" || answer == "yes") {
      throw Interrupted("quit; nothing was published (divert screen --resume continues)");
    }
    return false;
  }

  void announce_stage(InterviewPlan::Stage stage, const Decision& decision) {
    if (stage == m_stage) return;
    const bool outcome_known = stage != InterviewPlan::Stage::outcome;
    if (outcome_known && m_stage == InterviewPlan::Stage::outcome && decision.outcome != Outcome::incomplete) {
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
      dropped.push_back(m_policy.questions[static_cast<size_t>(q)].id);
    }
    if (!dropped.empty()) {
      m_io.out << wrap("No longer asked, so dropped: " + join(dropped, ", "), "  ");
      save();
    }
  }

  void save() {
    if (m_hooks.save_draft) m_hooks.save_draft(m_answers, m_history);
  }

  void show_choices(const Question& q) {
    const std::vector<ChoiceValue>& values = q.type == QuestionType::choice ? q.values : q.categories;
    // One column while the list fits a 24-line screen; two beyond that, where a label too
    // long for its column is shown by its (short) value code instead.
    const bool two_columns = values.size() > 14;
    for (size_t i = 0; i < values.size(); ++i) {
      std::string label = values[i].label.empty() ? values[i].code : values[i].label;
      std::string item = fmt::format("{:>3} {}", i + 1, label);
      if (two_columns) {
        if (item.size() > 39) item = fmt::format("{:>3} {}", i + 1, values[i].code);
        if (i % 2 == 0) {
          m_io.out << fmt::format("{:<40}", item);
          if (i + 1 == values.size()) line();
        } else {
          line(item);
        }
      } else {
        m_io.out << wrap(item, "", 79);
      }
    }
  }

  std::string hint(const Question& q) const {
    switch (q.type) {
    case QuestionType::boolean: return "y = yes, n = no";
    case QuestionType::choice: return "a number from the list";
    case QuestionType::number:
    case QuestionType::integer: {
      std::string h = q.type == QuestionType::integer ? "a whole number" : "a number";
      if (!q.unit.empty()) h += " in " + q.unit;
      if (q.min && q.max) h += fmt::format(", {} to {}", format_number(*q.min), format_number(*q.max));
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
    for (size_t r = 0; r < m_policy.rules.size(); ++r) {
      const auto& reads = m_policy.rules[r].reads;
      if (std::find(reads.begin(), reads.end(), static_cast<int>(qi)) != reads.end()) {
        why.push_back(fmt::format("- [{}] {}", m_policy.rules[r].id, m_policy.rules[r].explain));
      }
    }
    (void)plan;
    if (why.empty()) {
      line("  Asked for the record; no rule reads it.");
    } else {
      line("  Why this is asked (the rules that need it):");
      for (const std::string& w : why) m_io.out << wrap(w, "  ");
    }
    line("  Answers: " + hint(q) + ". Commands: b back, r review and change, q quit.");
  }

  void ask(size_t qi, const InterviewPlan& plan, const Decision& decision) {
    (void)decision;
    const Question& q = m_policy.questions[qi];
    const size_t number = m_history.size() + 1;
    const size_t at_most = std::max(number, m_history.size() + static_cast<size_t>(std::max(plan.remaining, 1)));
    line();
    line(fmt::format("Question {} of at most {}{}", number, at_most, m_options.demo ? "  [DEMO]" : ""));
    m_io.out << wrap(bold(q.label.empty() ? q.id : q.label), "");
    if (q.type == QuestionType::choice) show_choices(q);
    const Slot& current = m_answers.slots[qi];
    if (current.present) {
      m_io.out << wrap("Now: " + describe_answer(q, current) + " (Enter keeps it)", "  ");
    }
    if (q.type == QuestionType::convictions) {
      ask_convictions(qi, plan);
      return;
    }
    for (;;) {
      const std::string typed = read_line(fmt::format("({}) > ", hint(q)));
      if (typed == "?") { help(qi, plan); continue; }
      if (typed == "q") { confirm_quit(); continue; }
      if (typed == "b") { back(qi); return; }
      if (typed == "r") { review(); return; }
      if (typed.empty() && current.present) { record_typed(qi); return; }
      if (typed.empty() && q.type == QuestionType::text) {
        m_skipped.insert(static_cast<int>(qi));
        return;
      }
      if (typed.empty()) { line("  Please answer, or type ? for help."); continue; }
      const std::string problem = accept_typed_answer(m_policy, qi, typed, m_options.today, m_answers);
      if (!problem.empty()) {
        m_io.out << wrap("Not accepted: " + problem + ". Try again.", "  ");
        continue;
      }
      record_typed(qi);
      return;
    }
  }

  void ask_convictions(size_t qi, const InterviewPlan& plan) {
    const Question& q = m_policy.questions[qi];
    show_choices(q);
    const bool had = m_answers.slots[qi].present;
    std::vector<ConvictionItem> items;
    for (;;) {
      const std::string typed = read_line(fmt::format("Conviction {}: category number (Enter when done) > ", items.size() + 1));
      if (typed == "?") { help(qi, plan); continue; }
      if (typed == "q") { confirm_quit(); continue; }
      if (typed == "b") { back(qi); return; }
      if (typed == "r") { review(); return; }
      if (typed.empty()) {
        if (items.empty() && had) { record_typed(qi); return; }
        break;
      }
      int category = -1;
      if (std::all_of(typed.begin(), typed.end(), ::isdigit) && typed.size() < 4) {
        const int n = std::stoi(typed);
        if (n >= 1 && static_cast<size_t>(n) <= q.categories.size()) category = n - 1;
      } else {
        category = q.category_index(typed);
      }
      if (category < 0) {
        line(fmt::format("  Not accepted: type a number from 1 to {}. Try again.", q.categories.size()));
        continue;
      }
      for (;;) {
        const std::string date_text = read_line("  Conviction date (YYYY-MM-DD) > ");
        if (date_text == "q") { confirm_quit(); continue; }
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
      m_io.out << wrap("Not accepted: " + problem + ". Please enter the convictions again.", "  ");
      m_answers.clear(qi);
      m_forced_next = static_cast<int>(qi);
      return;
    }
    line(items.empty() ? "  Recorded: no convictions." : fmt::format("  Recorded: {} conviction(s).", items.size()));
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
      m_io.out << wrap(fmt::format("{:>2}. {}: {}{}", listed.size(), question.id,
                                   describe_answer(question, m_answers.slots[q]),
                                   m_answers.sources[q] == AnswerSource::typed
                                       ? ""
                                       : fmt::format(" ({})", answer_source_name(m_answers.sources[q]))),
                       "  ");
    }
    if (listed.empty()) {
      line("  (none yet)");
      return;
    }
    for (;;) {
      const std::string typed = read_line("Number to change, or Enter to go on > ");
      if (typed.empty()) return;
      if (typed == "q") { confirm_quit(); continue; }
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
    line(std::string(79, '='));
    if (m_options.demo) line("DEMONSTRATION ONLY");
    render_decision(m_io.out, m_policy, decision, m_options.color);
    line(std::string(79, '='));
    const bool can_refer = decision.outcome == Outcome::eligible || decision.outcome == Outcome::needs_approval;
    if (decision.outcome == Outcome::incomplete) {
      line("Some answers are still missing; type r to review them, or q to quit.");
    } else if (can_refer) {
      m_io.out << wrap("Type sign to refer and sign the record, or decline if you will not refer "
                       "(you will be asked why). b back, r review, q quit without a record.", "");
    } else {
      m_io.out << wrap("Type sign to sign the record of this screening, or exception to ask for "
                       "an exception (you will be asked why). b back, r review, q quit without a "
                       "record.", "");
    }
    for (;;) {
      const std::string typed = lower(read_line("> "));
      if (typed == "q") { confirm_quit(); continue; }
      if (typed == "r") { review(); return false; }
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
        action = OfficerAction{ActionKind::decline, read_reason("Why will you not refer this person?")};
      } else if (typed == "exception" && !can_refer) {
        action = OfficerAction{ActionKind::exception_requested, read_reason("Why should an exception be made?")};
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
      const std::string reason = read_line(question + " > ");
      if (reason == "q") { confirm_quit(); continue; }
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
    line();
    line(bold("Signed and saved.") + (m_options.demo ? "  [DEMO]" : ""));
    // File and folder on lines of their own, so that a long path still fits 80 columns.
    const std::filesystem::path record_path(signed_record.path);
    m_io.out << wrap("Record: " + record_path.filename().string(), "  ");
    m_io.out << wrap("Folder: " + record_path.parent_path().string(), "  ");
    m_io.out << wrap("Record id: " + signed_record.record_id, "  ");
    m_io.out << wrap("Signed with key " + signed_record.fingerprint, "  ");
    if (decision.referral) {
      line();
      line("+-- HAND-OFF " + std::string(66, '-'));
      m_io.out << wrap("Provider: " + decision.referral->provider, "| ");
      m_io.out << wrap("Contact: " + decision.referral->contact, "| ");
      if (decision.referral->intake_deadline) {
        m_io.out << wrap("Intake by: " + format_date(*decision.referral->intake_deadline), "| ");
      }
      if (!decision.referral->approver.empty()) {
        m_io.out << wrap("Must be approved by: " + decision.referral->approver, "| ");
      }
      line("+" + std::string(78, '-'));
    }
  }

  const Policy& m_policy;
  Answers& m_answers;
  std::vector<int>& m_history;
  Io& m_io;
  const WalkthroughHooks& m_hooks;
  const WalkthroughOptions& m_options;
  int m_forced_next = -1;
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
    const ChoiceValue& v = q.values[static_cast<size_t>(slot.x)];
    return v.label.empty() ? v.code : fmt::format("{} ({})", v.label, v.code);
  }
  case QuestionType::number:
  case QuestionType::integer:
    return q.unit.empty() ? format_number(slot.x) : format_number(slot.x) + " " + q.unit;
  case QuestionType::date: return format_date(static_cast<Days>(slot.x));
  case QuestionType::convictions: {
    if (slot.items.empty()) return "none";
    std::vector<std::string> parts;
    for (const ConvictionItem& item : slot.items) {
      parts.push_back(fmt::format("{} {}", q.categories[static_cast<size_t>(item.category)].code,
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
  case QuestionType::choice:
    if (!typed.empty() && typed.size() < 4 && std::all_of(typed.begin(), typed.end(), ::isdigit)) {
      const size_t n = static_cast<size_t>(std::stoi(typed));
      if (n < 1 || n > question.values.size()) {
        return fmt::format("type a number from 1 to {}", question.values.size());
      }
      value.scalar = question.values[n - 1].code;
    }
    break;
  case QuestionType::number:
  case QuestionType::integer: {
    // "2.5 g" and "2.5g" are fine: the unit is shown, so officers type it.
    std::string number = typed;
    if (!question.unit.empty() && number.size() > question.unit.size() &&
        lower(number).ends_with(lower(question.unit))) {
      number = trim(number.substr(0, number.size() - question.unit.size()));
    }
    value.scalar = number;
    break;
  }
  case QuestionType::date:
    if (word == "today") value.scalar = format_date(today);
    break;
  case QuestionType::text:
    value.quoted = true;
    break;
  case QuestionType::convictions:
    return "convictions are entered one at a time";
  }
  Slot before = answers.slots[q];
  const std::string problem = assign_yaml_value(policy, q, value, answers);
  if (!problem.empty()) {
    answers.slots[q] = before;
    return problem;
  }
  if (const std::string past = past_date_problem(policy, answers); !past.empty()) {
    answers.slots[q] = before;
    return past;
  }
  return {};
}

int run_walkthrough(const Policy& policy, Answers& answers, std::vector<int>& history, Io& io,
                    const WalkthroughHooks& hooks, const WalkthroughOptions& options) {
  Walkthrough walkthrough(policy, answers, history, io, hooks, options);
  return walkthrough.run();
}

} // namespace divert::cli
