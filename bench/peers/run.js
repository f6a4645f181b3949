'use strict';
// One engine over a JSON Lines corpus:
//   node run.js plain|jsonlogic|jre|cedar CORPUS [--dump OUT.tsv] [--limit N]
// The file is read into memory before the clock starts (as divert's reading limit does); the
// clock covers JSON.parse, the derived facts and the rules for every case. Prints one line:
//   ENGINE CASES SECONDS CASES_PER_S
// --dump writes `case_id<TAB>outcome<TAB>reasons,sorted` per case for bench/peers/check.js.
const fs = require('fs');

const [engineName, corpus, ...rest] = process.argv.slice(2);
if (!engineName || !corpus) {
  console.error('usage: node run.js plain|jsonlogic|jre|cedar CORPUS [--dump OUT.tsv] [--limit N]');
  process.exit(64);
}
const option = (name) => { const i = rest.indexOf(name); return i >= 0 ? rest[i + 1] : undefined; };
const dump = option('--dump');
const limit = Number(option('--limit') || Infinity);

const engine = require(`./engines/${engineName}`);
engine.init();
let lines = fs.readFileSync(corpus, 'utf8').split('\n').filter((l) => l.trim() !== '');
if (lines.length > limit) lines = lines.slice(0, limit);
const results = dump ? new Array(lines.length) : null;

async function main() {
  const start = process.hrtime.bigint();
  let eligible = 0;
  for (let i = 0; i < lines.length; i++) {
    const c = JSON.parse(lines[i]);
    const r = engine.isAsync ? await engine.evaluate(c) : engine.evaluate(c);
    if (r.outcome === 'eligible') eligible++;
    if (results) results[i] = `${c.case_id}\t${r.outcome}\t${[...r.reasons].sort().join(',')}`;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (dump) fs.writeFileSync(dump, results.join('\n') + '\n');
  console.log(`${engineName} ${lines.length} ${seconds.toFixed(3)} ${Math.round(lines.length / seconds)} eligible=${eligible}`);
}
main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
