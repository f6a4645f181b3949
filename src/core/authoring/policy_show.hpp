// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/policy/policy.hpp"

#include <string>

namespace divert {

// A policy as a document for training and for the people who approve a change: the checklist
// as officers see it (question, help, when it is asked) and the rules in plain language with
// their sources. Plain text, 80 columns.
std::string show_policy_text(const Policy& policy);

// The same document in Markdown (tables for the checklist).
std::string show_policy_markdown(const Policy& policy);

// The questions and rules as a Graphviz graph: which question's answer decides whether another
// is asked, which answers each rule reads, and what each rule does to the outcome.
std::string show_policy_dot(const Policy& policy);

// A machine-readable form ("divert.policy-form/1") for dispatch systems that build their own
// form: every question with its type, allowed values, range and ask-condition (as text and as
// a JSON expression tree), and every rule with the questions it reads.
std::string show_policy_json(const Policy& policy);

// A condition in plain words, e.g. "offense is one of: Possession of a controlled substance,
// Theft in the third degree".
std::string describe_condition(const Policy& policy, const Expr& expr);

} // namespace divert
