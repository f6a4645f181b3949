'use strict';
// json-rules-engine: one Rule per policy rule, whose conditions hold when the policy rule FAILS;
// its event names the rule. Pathway guards are conditions of each rule; derived facts come from
// whatcom.js. engine.run() is asynchronous, so every case costs a Promise.
const { Engine } = require('json-rules-engine');
const W = require('../whatcom');

const f = (fact, operator, value) => ({ fact, operator, value });
const arrest = f('pathway', 'equal', W.ARREST);
const social = f('pathway', 'equal', W.SOCIAL);
const containsAny = (fact, values) => ({ any: values.map((value) => f(fact, 'contains', value)) });

const RULES = [
  ['outside-area', { all: [f('in_area', 'notEqual', true)] }],
  ['no-probable-cause', { all: [arrest, f('probable_cause', 'notEqual', true)] }],
  ['offense-not-eligible', { all: [arrest, f('offense', 'notIn', W.ELIGIBLE_OFFENSES)] }],
  ['dealing-for-profit', { all: [f('delivery_involved', 'equal', true), f('subsistence_only', 'notEqual', true)] }],
  ['exploits-minors', { all: [f('exploits_minors', 'equal', true)] }],
  ['promotes-prostitution', { all: [f('promotes_prostitution', 'equal', true)] }],
  ['domestic-violence', { all: [arrest, f('domestic_violence', 'equal', true)] }],
  ['weapon-involved', { all: [arrest, f('weapon_involved', 'equal', true)] }],
  ['not-amenable', { all: [f('amenable', 'notEqual', true)] }],
  ['felony-warrant', { all: [f('outstanding_warrant', 'equal', 'felony')] }],
  ['under-18', { all: [f('age', 'lessThan', 18)] }],
  ['lifetime-disqualifying-conviction', containsAny('conviction_categories', W.LIFETIME)],
  ['recent-disqualifying-conviction', containsAny('recent_conviction_categories', W.TEN_YEARS)],
  ['no-prior-involvement', { all: [social, f('prior_involvement_basis', 'equal', 'none')] }],
  ['no-consent', { all: [f('consents', 'notEqual', true)] }],
  ['wa-paraphernalia-not-a-crime', { all: [arrest, f('paraphernalia_not_a_crime', 'equal', true),
    f('offense', 'equal', 'drug_paraphernalia')] }],
  ['at-capacity', { all: [f('capacity', 'notEqual', 'open')] }, 'approval'],
];

const engine = new Engine([], { allowUndefinedFacts: true });
for (const [id, conditions, kind] of RULES) {
  engine.addRule({ name: id, conditions, event: { type: kind || 'fails', params: { rule: id } } });
}

async function evaluate(c) {
  const { events } = await engine.run(Object.assign(W.derive(c), c));
  const failing = [];
  const approvals = [];
  for (const e of events) (e.type === 'approval' ? approvals : failing).push(e.params.rule);
  return W.outcome(failing, approvals);
}

module.exports = { name: 'json-rules-engine 7.3.1', isAsync: true, init() {}, evaluate };
