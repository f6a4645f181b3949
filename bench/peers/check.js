'use strict';
// Compares an engine's dump (run.js --dump) with divert's batch output on the same corpus:
//   node check.js DIVERT_BATCH_OUTPUT.jsonl ENGINE_DUMP.tsv
// Prints `agree N of M` and the first few differences; exits 1 on any difference.
const fs = require('fs');
const [divertOut, engineDump] = process.argv.slice(2);
const divert = new Map();
for (const line of fs.readFileSync(divertOut, 'utf8').split('\n')) {
  if (!line) continue;
  const d = JSON.parse(line);
  const reasons = d.error ? ['error'] : d.reasons.map((r) => (typeof r === "string" ? r : r.rule)).sort();
  divert.set(String(d.case_id), `${d.error ? 'error' : d.outcome}\t${reasons.join(',')}`);
}
let agree = 0, total = 0;
const differences = [];
for (const line of fs.readFileSync(engineDump, 'utf8').split('\n')) {
  if (!line) continue;
  total++;
  const [id, outcome, reasons] = line.split('\t');
  const mine = `${outcome}\t${reasons}`;
  if (divert.get(id) === mine) agree++;
  else if (differences.length < 5) differences.push(`${id}: divert ${divert.get(id)} | engine ${mine}`);
}
console.log(`agree ${agree} of ${total}`);
for (const d of differences) console.log('  ' + d);
process.exit(agree === total ? 0 : 1);
