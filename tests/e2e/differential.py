#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Differential checks (issue 9 item 4): `batch` and `decide` give the same decision for the
same case (every field but line and case_id), and `policy diff` agrees with two `batch` runs.

Usage: differential.py DIVERT SOURCE_DIR
Per shipped policy: 3000 generated cases (tests/oracle/gen_cases.py, fixed seed) with long,
escaped and non-ASCII text answers and case_ids mixed in, all through `batch`; a fixed sample of
400 of them through `decide --json`, four at a time (one process each: all 18,000 would take
many minutes under the sanitizers).
"""
import concurrent.futures
import json
import os
import random
import subprocess
import sys
import tempfile

divert, src = sys.argv[1], sys.argv[2]
env = dict(os.environ, DIVERT_FIXED_TIME="2026-11-26T12:00:00Z",
           DIVERT_POLICY_PATH=os.path.join(src, "policies"), NO_COLOR="1")
POLICIES = ["wa-whatcom", "wa-king-county-2011", "nm-santa-fe", "co-pueblo", "ca-lead-pilot",
            "wa-burien"]
N, SAMPLE = 3000, 400
UNUSUAL = ["Subject found. ", 'line\n"quoted"\t\\ ', "Café — 日本語 😀 ", "\u2028\u0001 "]
failures = []


def unusual_text(rng):
    unit = rng.choice(UNUSUAL)
    n = rng.choice([1, 351, 500, 5000, 10000, 10001, 12000])
    return (unit * (n // len(unit) + 1))[:n]


def corpus(policy, tmp):
    cases = subprocess.run([sys.executable, os.path.join(src, "tests/oracle/gen_cases.py"),
                            "--seed", "9", "--n", str(N), "--policy", policy],
                           check=True, capture_output=True, text=True).stdout
    rng = random.Random("differential/" + policy)
    lines = []
    for i, line in enumerate(l for l in cases.split("\n") if l.strip()):
        case = json.loads(line)
        if rng.random() < 0.3:
            case["narrative"] = unusual_text(rng)
        if rng.random() < 0.1:
            case["case_number"] = unusual_text(rng)
        case["case_id"] = unusual_text(rng) if rng.random() < 0.1 else "c%d" % i
        lines.append(json.dumps(case, ensure_ascii=rng.random() < 0.5))
    path = os.path.join(tmp, policy + ".jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path, lines


def batch(policy, path):
    out = subprocess.run([divert, "batch", "--policy", policy, path], env=env,
                         capture_output=True, text=True).stdout
    # split("\n"), not splitlines(): U+2028 inside a JSON string is not a line end.
    return [json.loads(l) for l in out.split("\n") if l]


def strip(decision):
    return {k: v for k, v in decision.items() if k not in ("line", "case_id")}


with tempfile.TemporaryDirectory() as tmp:
    runs = {}
    for policy in POLICIES:
        path, lines = corpus(policy, tmp)
        decisions = batch(policy, path)
        runs[policy] = (path, decisions)
        if len(decisions) != len(lines):
            failures.append("%s: batch wrote %d lines for %d cases" %
                            (policy, len(decisions), len(lines)))
            continue
        def decide(i):
            case = json.loads(lines[i])
            del case["case_id"]
            answers = os.path.join(tmp, "answers-%s-%d.json" % (policy, i))
            with open(answers, "w", encoding="utf-8") as f:
                json.dump(case, f, ensure_ascii=i % 2 == 0)
            run = subprocess.run([divert, "decide", "--policy", policy, "--answers", answers,
                                  "--json"], env=env, capture_output=True, text=True)
            return i, run.stdout
        sample = random.Random("sample/" + policy).sample(range(len(lines)), SAMPLE)
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            for i, stdout in pool.map(decide, sample):
                got = json.loads(stdout)
                # decide alone names the files each layer was loaded from (divert(1), OUTPUT).
                if "policy" in got:
                    got["policy"].pop("layers", None)
                want = decisions[i]
                if "error" in want or "error" in got:
                    # One set of messages: the same refusal in both, decide adding file:line:col.
                    if ("error" in want) != ("error" in got) or \
                            want["error"]["message"] != got["error"]["message"]:
                        failures.append("%s line %d: batch %s, decide %s" %
                                        (policy, i + 1, json.dumps(want)[:300], stdout[:300]))
                elif strip(got) != strip(want):
                    failures.append("%s line %d: batch and decide differ:\n  %s\n  %s" %
                                    (policy, i + 1, json.dumps(strip(want))[:600],
                                     json.dumps(strip(got))[:600]))
    # policy diff against two batch runs of the same corpus.
    for old, new in [("wa-whatcom", os.path.join(src, "tests/data/policies/wa-whatcom-changed.yaml")),
                     ("wa-king-county-2011", "wa-whatcom")]:
        path, before = runs[old]
        after = batch(new, path)
        run = subprocess.run([divert, "policy", "diff", old, new, "--cases", path, "--json"],
                             env=env, capture_output=True, text=True)
        diff = json.loads(run.stdout)
        want = []
        for b, a in zip(before, after):
            side = lambda d: ({"outcome": "error", "reasons": []} if "error" in d else
                              {"outcome": d["outcome"], "reasons": [r["rule"] for r in d["reasons"]]})
            sb, sa = side(b), side(a)
            if sb["outcome"] != sa["outcome"] or sorted(sb["reasons"]) != sorted(sa["reasons"]):
                want.append({"line": b["line"], "case_id": b["case_id"], "old": sb, "new": sa})
        if diff.get("changes") != want or diff.get("total") != len(before):
            failures.append("policy diff %s -> %s: %d changes, two batch runs give %d" %
                            (old, new, len(diff.get("changes", [])), len(want)))

for f in failures[:20]:
    print(f)
print("differential: %d policies, %d cases each, %d via decide: %d failures" %
      (len(POLICIES), N, SAMPLE, len(failures)))
sys.exit(1 if failures else 0)
