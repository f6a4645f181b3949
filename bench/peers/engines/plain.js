'use strict';
// Hand-written JavaScript: the rules as one function (the no-engine limit in JavaScript).
const W = require('../whatcom');

function evaluate(c) {
  const f = W.derive(c);
  const arrest = c.pathway === W.ARREST;
  const social = c.pathway === W.SOCIAL;
  const failing = [];
  if (c.in_area !== true) failing.push('outside-area');
  if (arrest && c.probable_cause !== true) failing.push('no-probable-cause');
  if (arrest && !W.ELIGIBLE_OFFENSES.includes(c.offense)) failing.push('offense-not-eligible');
  if (c.delivery_involved === true && c.subsistence_only !== true) failing.push('dealing-for-profit');
  if (c.exploits_minors === true) failing.push('exploits-minors');
  if (c.promotes_prostitution === true) failing.push('promotes-prostitution');
  if (arrest && c.domestic_violence === true) failing.push('domestic-violence');
  if (arrest && c.weapon_involved === true) failing.push('weapon-involved');
  if (c.amenable !== true) failing.push('not-amenable');
  if (c.outstanding_warrant === 'felony') failing.push('felony-warrant');
  if (f.age < 18) failing.push('under-18');
  if (f.conviction_categories.some((k) => W.LIFETIME.includes(k))) failing.push('lifetime-disqualifying-conviction');
  if (f.recent_conviction_categories.some((k) => W.TEN_YEARS.includes(k))) failing.push('recent-disqualifying-conviction');
  if (social && c.prior_involvement_basis === 'none') failing.push('no-prior-involvement');
  if (c.consents !== true) failing.push('no-consent');
  if (arrest && f.paraphernalia_not_a_crime && c.offense === 'drug_paraphernalia') failing.push('wa-paraphernalia-not-a-crime');
  const approvals = c.capacity !== 'open' ? ['at-capacity'] : [];
  return W.outcome(failing, approvals);
}

module.exports = { name: 'hand-written JavaScript', init() {}, evaluate };
