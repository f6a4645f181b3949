// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/evaluate.hpp"

#include <chrono>
#include <ostream>
#include <string>

namespace divert::cli {

// "" for an adopted policy; otherwise the sentence every use of the policy must show.
std::string status_warning(const Policy& policy);

// Says on `err` that a model or draft policy is being used (nothing for an adopted one), for
// output that is not for a person (JSON, batch).
void note_policy_status(std::ostream& err, const Policy& policy);

// The decision in plain words for an officer: outcome, each reason with its explanation and
// source, notices, what is still missing, and the hand-off details. Wrapped to 80 columns.
// `for_officer`: in the officer's words (labels, no rule or question ids), as the walk-through
// shows it.
void render_decision(std::ostream& out, const Policy& policy, const Decision& decision, bool color,
                     bool for_officer = false);

// The terminal's width: TIOCGWINSZ on standard output, then standard error, else $COLUMNS,
// else 80.
size_t terminal_columns();
// The columns prose is laid out for: terminal_columns(), never more than 80 nor less than 40.
size_t screen_columns();

// Word-wraps `text` to `width` columns (0: one less than screen_columns(), so that the cursor
// after a full line never spills onto the next), every line prefixed by `indent`; a line after
// a leading "- " bullet hangs under its text. A word too long for a line is cut.
std::string wrap(std::string_view text, std::string_view indent, size_t width = 0);

// wrap() with the first line starting with `first` and the others with `rest` (hanging indent).
std::string wrap_hanging(std::string_view text, std::string_view first, std::string_view rest,
                         size_t width = 0);

// Question ids in generated prose ("incident_date is before ...") in the officer's words
// ("incident date is before ..."), for what an officer reads.
std::string officer_words(const Policy& policy, std::string text);

// When a long run's progress line on a terminal may be redrawn: at most four times a second,
// since a terminal redrawing it hundreds of times a second slows the run for nothing.
class ProgressThrottle {
public:
  bool due() {
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last < std::chrono::milliseconds(250)) return false;
    m_last = now;
    return true;
  }

private:
  std::chrono::steady_clock::time_point m_last = std::chrono::steady_clock::now();
};

} // namespace divert::cli
