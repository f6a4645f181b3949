// SPDX-License-Identifier: Apache-2.0
#include "cli/render.hpp"

#include "core/base/text_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sys/ioctl.h>
#include <unistd.h>

namespace divert::cli {

std::string status_warning(const Policy& policy) {
  switch (policy.status) {
  case PolicyStatus::adopted: return {};
  case PolicyStatus::model:
    return fmt::format("policy '{}' is a MODEL: its criteria are not confirmed or adopted by the "
                       "program; check them before relying on the decision",
                       policy.id);
  case PolicyStatus::draft:
    return fmt::format("policy '{}' is a DRAFT: its criteria are not confirmed or adopted by the "
                       "program; check them before relying on the decision",
                       policy.id);
  }
  return {};
}

void note_policy_status(std::ostream& err, const Policy& policy) {
  if (const std::string warning = status_warning(policy); !warning.empty()) {
    err << "divert: note: " << warning << '\n';
  }
}

size_t terminal_columns() {
  static const size_t columns = [] {
    size_t n = 0;
    struct winsize size {};
    for (int fd : {STDOUT_FILENO, STDERR_FILENO}) {
      if (n == 0 && ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) n = size.ws_col;
    }
    if (n == 0) {
      if (const char* env = std::getenv("COLUMNS"); env != nullptr) {
        n = static_cast<size_t>(std::strtoul(env, nullptr, 10));
      }
    }
    return n == 0 ? k_terminal_columns : n;
  }();
  return columns;
}

size_t screen_columns() {
  // Below 40 columns a question and its choices no longer read as one.
  constexpr size_t k_narrowest = 40;
  return std::clamp<size_t>(terminal_columns(), k_narrowest, k_terminal_columns);
}

std::string wrap(std::string_view text, std::string_view indent, size_t width) {
  return wrap_hanging(text, indent, std::string(indent) + (text.starts_with("- ") ? "  " : ""),
                      width);
}

std::string officer_words(const Policy& policy, std::string text) {
  for (const Question& q : policy.questions) {
    if (q.id.find('_') == std::string::npos) continue; // a plain word reads as itself
    std::string words = q.id;
    std::replace(words.begin(), words.end(), '_', ' ');
    for (size_t at = text.find(q.id); at != std::string::npos;
         at = text.find(q.id, at + words.size())) {
      const auto word_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      };
      const size_t end = at + q.id.size();
      if ((at > 0 && word_char(text[at - 1])) || (end < text.size() && word_char(text[end]))) {
        continue;
      }
      const bool quoted = at > 0 && end < text.size() && text[at - 1] == '\'' && text[end] == '\'';
      if (quoted) {
        text.replace(at - 1, q.id.size() + 2, words);
      } else {
        text.replace(at, q.id.size(), words);
      }
    }
  }
  return text;
}

std::string wrap_hanging(std::string_view text, std::string_view first, std::string_view rest,
                         size_t width) {
  if (width == 0) width = screen_columns() - 1;
  const std::string hang(rest);
  const std::string wrapped = word_wrap(text, first, hang, width);
  // word_wrap leaves a word longer than a line whole (a path, a key); cut it, or it spills.
  std::string out;
  size_t begin = 0;
  while (begin < wrapped.size()) {
    size_t end = wrapped.find('\n', begin);
    if (end == std::string::npos) end = wrapped.size();
    std::string current(wrapped.data() + begin, end - begin);
    while (current.size() > width && width > hang.size() + 10) {
      out.append(current, 0, width).append("\n");
      current = hang + current.substr(width);
    }
    out.append(current).append("\n");
    begin = end + 1;
  }
  return out;
}

static std::string paint(bool color, const char* code, const std::string& text) {
  return color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : text;
}

// What a reason or notice rests on, beside it: an officer must tell a published criterion from
// the model's own choice.
static std::string basis_line(const Rule& r) {
  switch (r.basis) {
  case Basis::assumed: return "Basis: the model's assumption, not a published criterion";
  case Basis::reported:
    return r.assumption.empty()
               ? "Basis: reported (a secondary source)"
               : "Basis: reported; in part the model's assumption: " + r.assumption;
  case Basis::published:
    return r.assumption.empty()
               ? "Basis: published"
               : "Basis: published; in part the model's assumption: " + r.assumption;
  case Basis::unstated: return {};
  }
  return {};
}

void render_decision(std::ostream& out, const Policy& policy, const Decision& d, bool color,
                     bool for_officer) {
  // The officer reads the reasons, not the rule ids (those are for authors and scripts).
  const auto rule_line = [&](const Rule* r) {
    return for_officer ? "- " + r->explain : fmt::format("- [{}] {}", r->id, r->explain);
  };
  out << wrap(fmt::format("Policy: {} {} ({}), {}", policy.id, policy.version,
                          status_name(policy.status), policy.title),
              "");
  if (const std::string warning = status_warning(policy); !warning.empty()) {
    out << wrap("NOTE: " + warning, "  ");
  }
  out << '\n';
  switch (d.outcome) {
  case Outcome::eligible:
    out << wrap(paint(color, "1;32", "ELIGIBLE") + ": the person may be referred to LEAD.", "");
    break;
  case Outcome::ineligible:
    out << wrap(paint(color, "1;31", "INELIGIBLE") +
                    ": the person cannot be referred under this policy.",
                "");
    break;
  case Outcome::needs_approval:
    out << wrap(paint(color, "1;33", "NEEDS APPROVAL") +
                    ": eligible, but the referral must be approved.",
                "");
    break;
  case Outcome::incomplete:
    out << wrap(paint(color, "1", "INCOMPLETE") + ": more answers are needed to decide.", "");
    break;
  }
  if (!d.reasons.empty()) {
    out << "\nReasons:\n";
    for (const Rule* r : d.reasons) {
      out << wrap(rule_line(r), "  ");
      out << wrap("Source: " + r->citation, "    ");
      if (const std::string basis = basis_line(*r); !basis.empty()) out << wrap(basis, "    ");
    }
  }
  if (!d.assumed.empty()) {
    out << "\nThis outcome rests on the model's assumptions, not published criteria:\n";
    for (const Rule* r : d.assumed) {
      const std::string& what = r->assumption.empty() ? r->explain : r->assumption;
      out << wrap(for_officer ? "- " + what : fmt::format("- [{}] {}", r->id, what), "  ");
    }
  }
  if (!d.missing.empty()) {
    out << "\nStill needed:\n";
    for (int q : d.missing) {
      const Question& question = policy.questions[static_cast<size_t>(q)];
      out << wrap(for_officer ? "- " + question.label
                              : fmt::format("- {}: {}", question.id, question.label),
                  "  ");
    }
  }
  if (!d.notices.empty()) {
    out << "\nNotices:\n";
    for (const Rule* r : d.notices) {
      out << wrap(rule_line(r), "  ");
      out << wrap("Source: " + r->citation, "    ");
      if (const std::string basis = basis_line(*r); !basis.empty()) out << wrap(basis, "    ");
    }
  }
  if (d.referral) {
    out << "\nHand-off:\n";
    out << wrap("Provider: " + d.referral->provider, "  ");
    out << wrap("Contact: " + d.referral->contact, "  ");
    if (d.referral->intake_deadline) {
      out << wrap("Intake by: " + format_date(*d.referral->intake_deadline), "  ");
    }
    if (!d.referral->approver.empty()) {
      out << wrap("Approval by: " + d.referral->approver, "  ");
    }
  }
  if (!d.warnings.empty()) {
    out << "\nWarnings:\n";
    for (const std::string& w : d.warnings) {
      out << wrap("- " + (for_officer ? officer_words(policy, w) : w), "  ");
    }
  }
  if (!d.unused.empty() && !for_officer) {
    std::string ids;
    for (int q : d.unused) {
      ids += (ids.empty() ? "" : ", ") + policy.questions[static_cast<size_t>(q)].id;
    }
    out << '\n' << wrap("Not used by this decision: " + ids, "");
  }
}

} // namespace divert::cli
