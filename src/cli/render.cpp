// SPDX-License-Identifier: Apache-2.0
#include "cli/render.hpp"

#include "core/base/text_util.hpp"

#include <fmt/format.h>

namespace divert::cli {

std::string status_warning(const Policy& policy) {
  switch (policy.status) {
  case PolicyStatus::adopted: return {};
  case PolicyStatus::model:
    return fmt::format("policy '{}' is a MODEL: its criteria are not confirmed or adopted by the "
                       "program; check them before relying on the decision", policy.id);
  case PolicyStatus::draft:
    return fmt::format("policy '{}' is a DRAFT: its criteria are not confirmed or adopted by the "
                       "program; check them before relying on the decision", policy.id);
  }
  return {};
}

void note_policy_status(std::ostream& err, const Policy& policy) {
  if (const std::string warning = status_warning(policy); !warning.empty()) {
    err << "divert: note: " << warning << '\n';
  }
}

std::string wrap(std::string_view text, std::string_view indent, size_t width) {
  // Continuation lines hang under the text after a leading "- " bullet.
  const std::string hang = std::string(indent) + (text.starts_with("- ") ? "  " : "");
  return word_wrap(text, indent, hang, width);
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
    return r.assumption.empty() ? "Basis: reported (a secondary source)"
                                : "Basis: reported; in part the model's assumption: " + r.assumption;
  case Basis::published:
    return r.assumption.empty() ? "Basis: published"
                                : "Basis: published; in part the model's assumption: " + r.assumption;
  case Basis::unstated: return {};
  }
  return {};
}

void render_decision(std::ostream& out, const Policy& policy, const Decision& d, bool color) {
  out << wrap(fmt::format("Policy: {} {} ({}), {}", policy.id, policy.version,
                          status_name(policy.status), policy.title), "");
  if (const std::string warning = status_warning(policy); !warning.empty()) {
    out << wrap("NOTE: " + warning, "  ");
  }
  out << '\n';
  switch (d.outcome) {
  case Outcome::eligible:
    out << paint(color, "1;32", "ELIGIBLE") << ": the person may be referred to LEAD.\n";
    break;
  case Outcome::ineligible:
    out << paint(color, "1;31", "INELIGIBLE") << ": the person cannot be referred under this policy.\n";
    break;
  case Outcome::needs_approval:
    out << paint(color, "1;33", "NEEDS APPROVAL")
        << ": eligible, but the referral must be approved.\n";
    break;
  case Outcome::incomplete:
    out << paint(color, "1", "INCOMPLETE") << ": more answers are needed to decide.\n";
    break;
  }
  if (!d.reasons.empty()) {
    out << "\nReasons:\n";
    for (const Rule* r : d.reasons) {
      out << wrap(fmt::format("- [{}] {}", r->id, r->explain), "  ");
      out << wrap("Source: " + r->citation, "    ");
      if (const std::string basis = basis_line(*r); !basis.empty()) out << wrap(basis, "    ");
    }
  }
  if (!d.assumed.empty()) {
    out << "\nThis outcome rests on the model's assumptions, not published criteria:\n";
    for (const Rule* r : d.assumed) {
      out << wrap(fmt::format("- [{}] {}", r->id,
                              r->assumption.empty() ? r->explain : r->assumption), "  ");
    }
  }
  if (!d.missing.empty()) {
    out << "\nStill needed:\n";
    for (int q : d.missing) {
      const Question& question = policy.questions[static_cast<size_t>(q)];
      out << wrap(fmt::format("- {}: {}", question.id, question.label), "  ");
    }
  }
  if (!d.notices.empty()) {
    out << "\nNotices:\n";
    for (const Rule* r : d.notices) {
      out << wrap(fmt::format("- [{}] {}", r->id, r->explain), "  ");
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
      out << wrap("- " + w, "  ");
    }
  }
  if (!d.unused.empty()) {
    std::string ids;
    for (int q : d.unused) {
      ids += (ids.empty() ? "" : ", ") + policy.questions[static_cast<size_t>(q)].id;
    }
    out << '\n' << wrap("Not used by this decision: " + ids, "");
  }
}

} // namespace divert::cli
