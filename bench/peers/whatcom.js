'use strict';
// The wa-whatcom policy (policies/wa-whatcom.yaml, with what it takes from wa-state) as plain
// data, shared by the engine translations in engines/. Only the outcome and the failing rules
// are compared: notices (wa-state's referral notices) and the explanations are left out.
//
// What no engine here can say for itself, and every translation therefore receives ready-made
// from derive() below (divert computes all of it from the policy text):
//   - calendar arithmetic: age from date_of_birth (a 29 February birthday is 28 February in a
//     common year) and "within 10 years before the incident";
//   - three-valued logic: a missing answer is simply absent here, so a rule that reads it is
//     false, where divert calls the case incomplete and names what is missing. The benchmark
//     corpus answers every question a rule reads, so the outcomes still agree;
//   - ask-conditions: an answer whose question does not apply (drug_grams for a theft) is held
//     back by divert; here each rule must spell out its own guard.

const ARREST = 'arrest_diversion';
const SOCIAL = 'social_contact';

const ELIGIBLE_OFFENSES = ['drug_possession', 'drug_public_use', 'drug_paraphernalia',
  'malicious_mischief_3', 'disorderly_conduct', 'criminal_trespass', 'theft_3'];
const LIFETIME = ['murder', 'manslaughter', 'arson_1', 'arson_2', 'robbery_1', 'assault_1',
  'kidnapping', 'sex_offense', 'firearm_1'];
const TEN_YEARS = ['domestic_violence', 'robbery_2', 'assault_2', 'assault_3', 'burglary_1',
  'burglary_2', 'firearm_2'];
// wa-state: since 1 July 2023 paraphernalia is no crime to divert.
const PARAPHERNALIA_FROM = '2023-07-01';

function parseDate(s) {
  return { y: Number(s.slice(0, 4)), m: Number(s.slice(5, 7)), d: Number(s.slice(8, 10)) };
}
function daysIn(y, m) {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}
// The same day N years earlier; a day the month lacks becomes its last day.
function yearsBefore(s, n) {
  const { y, m, d } = parseDate(s);
  const year = y - n;
  const day = Math.min(d, daysIn(year, m));
  return `${year}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
function age(dob, on) {
  const b = parseDate(dob), t = parseDate(on);
  let years = t.y - b.y;
  const birthday = Math.min(b.d, daysIn(t.y, b.m));
  if (t.m < b.m || (t.m === b.m && t.d < birthday)) years -= 1;
  return years;
}

// Facts every translation receives beside the case's own answers.
function derive(c) {
  const tenYearsBefore = yearsBefore(c.incident_date, 10);
  const categories = [];
  const recentCategories = [];
  for (const conviction of c.convictions || []) {
    categories.push(conviction.category);
    if (conviction.date > tenYearsBefore) recentCategories.push(conviction.category);
  }
  return {
    age: age(c.date_of_birth, c.incident_date),
    conviction_categories: categories,
    recent_conviction_categories: recentCategories,
    paraphernalia_not_a_crime: c.incident_date >= PARAPHERNALIA_FROM,
  };
}

// The outcome from the failing require/exclude rules and the approval rules that hold.
function outcome(failing, approvals) {
  if (failing.length) return { outcome: 'ineligible', reasons: failing };
  if (approvals.length) return { outcome: 'needs_approval', reasons: approvals };
  return { outcome: 'eligible', reasons: [] };
}

module.exports = { ARREST, SOCIAL, ELIGIBLE_OFFENSES, LIFETIME, TEN_YEARS, derive, outcome };
