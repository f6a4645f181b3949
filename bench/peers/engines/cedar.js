'use strict';
// Cedar (@cedar-policy/cedar-wasm 4.13.0, statefulIsAuthorized with the policy set parsed once):
// a permit for every referral and one forbid per require/exclude rule, the policy id being the
// rule id, so a deny's diagnostics name every failing rule. Cedar has two outcomes, allow and
// deny: the approval rule (at-capacity) is a second, separate request against its own policy
// set. Cedar has no "not answered": a context attribute a rule reads must exist, so every rule
// first asks `context has X`.
const cedar = require('@cedar-policy/cedar-wasm/nodejs');
const W = require('../whatcom');

const q = (s) => JSON.stringify(s);
const set = (l) => '[' + l.map(q).join(', ') + ']';
const FORBID = 'forbid (principal, action == Action::"refer", resource)';
const arrest = `(context has pathway && context.pathway == ${q(W.ARREST)})`;
const social = `(context has pathway && context.pathway == ${q(W.SOCIAL)})`;
const isTrue = (a) => `(context has ${a} && context.${a} == true)`;
const is = (a, value) => `(context has ${a} && context.${a} == ${q(value)})`;

const RULES = {
  'outside-area': `${FORBID} unless { ${isTrue('in_area')} };`,
  'no-probable-cause': `${FORBID} when { ${arrest} && !${isTrue('probable_cause')} };`,
  'offense-not-eligible': `${FORBID} when { ${arrest} && !(context has offense && ${set(W.ELIGIBLE_OFFENSES)}.contains(context.offense)) };`,
  'dealing-for-profit': `${FORBID} when { ${isTrue('delivery_involved')} && !${isTrue('subsistence_only')} };`,
  'exploits-minors': `${FORBID} when { ${isTrue('exploits_minors')} };`,
  'promotes-prostitution': `${FORBID} when { ${isTrue('promotes_prostitution')} };`,
  'domestic-violence': `${FORBID} when { ${arrest} && ${isTrue('domestic_violence')} };`,
  'weapon-involved': `${FORBID} when { ${arrest} && ${isTrue('weapon_involved')} };`,
  'not-amenable': `${FORBID} unless { ${isTrue('amenable')} };`,
  'felony-warrant': `${FORBID} when { ${is('outstanding_warrant', 'felony')} };`,
  'under-18': `${FORBID} when { context.age < 18 };`,
  'lifetime-disqualifying-conviction': `${FORBID} when { context.conviction_categories.containsAny(${set(W.LIFETIME)}) };`,
  'recent-disqualifying-conviction': `${FORBID} when { context.recent_conviction_categories.containsAny(${set(W.TEN_YEARS)}) };`,
  'no-prior-involvement': `${FORBID} when { ${social} && ${is('prior_involvement_basis', 'none')} };`,
  'no-consent': `${FORBID} unless { ${isTrue('consents')} };`,
  'wa-paraphernalia-not-a-crime': `${FORBID} when { ${arrest} && context.paraphernalia_not_a_crime && ${is('offense', 'drug_paraphernalia')} };`,
};
const ELIGIBILITY = Object.assign({ permit: 'permit (principal, action == Action::"refer", resource);' }, RULES);
const APPROVAL = {
  permit: 'permit (principal, action == Action::"refer", resource);',
  'at-capacity': `${FORBID} when { !${is('capacity', 'open')} };`,
};

function init() {
  for (const [id, policies] of [['eligibility', ELIGIBILITY], ['approval', APPROVAL]]) {
    const answer = cedar.preparsePolicySet(id, { staticPolicies: policies });
    if (answer.type !== 'success') throw new Error(`cedar: ${id}: ${JSON.stringify(answer.errors)}`);
  }
}

// Cedar's JSON has no fractions: drug_grams (not read by wa-whatcom) would need the decimal
// extension, so it is left out of the context.
function context(c) {
  const ctx = Object.assign(W.derive(c), c);
  delete ctx.drug_grams;
  delete ctx.convictions;
  return ctx;
}

function ask(setId, ctx, caseId) {
  const answer = cedar.statefulIsAuthorized({
    principal: { type: 'Officer', id: 'screening' },
    action: { type: 'Action', id: 'refer' },
    resource: { type: 'Case', id: String(caseId) },
    context: ctx,
    preparsedPolicySetId: setId,
    entities: [],
  });
  if (answer.type !== 'success') throw new Error('cedar: ' + JSON.stringify(answer.errors));
  const response = answer.response;
  if (response.diagnostics.errors.length) throw new Error('cedar: ' + JSON.stringify(response.diagnostics.errors));
  return response.decision === 'allow' ? [] : response.diagnostics.reason;
}

function evaluate(c) {
  const ctx = context(c);
  const failing = ask('eligibility', ctx, c.case_id);
  const approvals = failing.length ? [] : ask('approval', ctx, c.case_id);
  return W.outcome(failing, approvals);
}

module.exports = { name: 'Cedar 4.13.0 (cedar-wasm)', init, evaluate };
