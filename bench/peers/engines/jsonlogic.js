'use strict';
// json-logic-js: one JsonLogic expression per rule, true when the rule FAILS (require rules are
// negated). Pathway guards are part of each expression; derived facts come from whatcom.js.
const jsonLogic = require('json-logic-js');
const W = require('../whatcom');

const v = (name) => ({ var: name });
const arrest = { '==': [v('pathway'), W.ARREST] };
const social = { '==': [v('pathway'), W.SOCIAL] };
const anyIn = (listVar, values) => ({ some: [v(listVar), { in: [v(''), values] }] });

const RULES = [
  ['outside-area', { '!==': [v('in_area'), true] }],
  ['no-probable-cause', { and: [arrest, { '!==': [v('probable_cause'), true] }] }],
  ['offense-not-eligible', { and: [arrest, { '!': { in: [v('offense'), W.ELIGIBLE_OFFENSES] } }] }],
  ['dealing-for-profit', { and: [{ '===': [v('delivery_involved'), true] }, { '!==': [v('subsistence_only'), true] }] }],
  ['exploits-minors', { '===': [v('exploits_minors'), true] }],
  ['promotes-prostitution', { '===': [v('promotes_prostitution'), true] }],
  ['domestic-violence', { and: [arrest, { '===': [v('domestic_violence'), true] }] }],
  ['weapon-involved', { and: [arrest, { '===': [v('weapon_involved'), true] }] }],
  ['not-amenable', { '!==': [v('amenable'), true] }],
  ['felony-warrant', { '==': [v('outstanding_warrant'), 'felony'] }],
  ['under-18', { '<': [v('age'), 18] }],
  ['lifetime-disqualifying-conviction', anyIn('conviction_categories', W.LIFETIME)],
  ['recent-disqualifying-conviction', anyIn('recent_conviction_categories', W.TEN_YEARS)],
  ['no-prior-involvement', { and: [social, { '==': [v('prior_involvement_basis'), 'none'] }] }],
  ['no-consent', { '!==': [v('consents'), true] }],
  ['wa-paraphernalia-not-a-crime', { and: [arrest, { '===': [v('paraphernalia_not_a_crime'), true] },
    { '==': [v('offense'), 'drug_paraphernalia'] }] }],
];
const APPROVALS = [['at-capacity', { '!=': [v('capacity'), 'open'] }]];

function evaluate(c) {
  const data = Object.assign(W.derive(c), c);
  const failing = [];
  for (const [id, rule] of RULES) if (jsonLogic.apply(rule, data)) failing.push(id);
  const approvals = [];
  for (const [id, rule] of APPROVALS) if (jsonLogic.apply(rule, data)) approvals.push(id);
  return W.outcome(failing, approvals);
}

module.exports = { name: 'json-logic-js 2.0.5', init() {}, evaluate };
