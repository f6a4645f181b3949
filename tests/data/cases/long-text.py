#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes long-text.jsonl: cases with long, escaped and non-ASCII text answers and case_ids.

Regression corpus for issue 9 (a text answer over ~350 bytes crashed `divert batch` and
`policy diff`). Run from this folder: python3 long-text.py > long-text.jsonl
"""
import json

BASE = {
    "pathway": "arrest_diversion", "incident_date": "2024-03-02", "in_area": True,
    "probable_cause": True, "offense": "drug_possession", "drug_type": "opioid",
    "drug_grams": 1.2, "delivery_involved": False, "exploits_minors": False,
    "promotes_prostitution": False, "domestic_violence": False, "weapon_involved": False,
    "amenable": True, "outstanding_warrant": "none", "date_of_birth": "1988-07-14",
    "convictions": [], "consents": True, "capacity": "open",
}


def text(n, unit="Subject found. "):
    return (unit * (n // len(unit) + 1))[:n]


def case(case_id, first=None, **answers):
    line = {}
    if first is not None:  # the case_id after the answers, so an error must look back for it
        line.update(answers)
    if case_id is not None:
        line["case_id"] = case_id
    line.update(BASE)
    line.update(answers)
    return json.dumps(line, ensure_ascii=first != "raw")


ESCAPED = 'line 1\nline 2\t"quoted" back\\slash / \u0041 \u00e9 \U0001F600 \u2028 '
NON_ASCII = "Café — 日本語 😀 "
lines = [
    case("narrative-351", narrative=text(351)),
    case("narrative-500", narrative=text(500)),
    case("narrative-5000", narrative=text(5000)),
    case("narrative-10000", narrative=text(10000)),
    case("narrative-10001", narrative=text(10001)),
    case("narrative-50000", narrative=text(50000)),
    case("case-number-500", case_number=text(500, "A-12/34 ")),
    case("escaped", narrative=text(600, ESCAPED)),
    case("non-ascii-raw", "raw", narrative=text(10000, NON_ASCII)),
    case("non-ascii-escaped", narrative=text(10000, NON_ASCII)),
    case("non-ascii-10001", "raw", narrative=text(10001, NON_ASCII)),
    # Over 3 grams: these change outcome under tests/data/policies/wa-whatcom-changed.yaml, so
    # `policy diff` shows their case_ids.
    case(text(351, "c"), narrative="short", drug_grams=3.5),
    case(text(500, "c"), drug_grams=3.5),
    case(text(5000, "c"), drug_grams=3.5),
    case(text(50000, "c"), drug_grams=3.5),
    case(text(400, ESCAPED), drug_grams=3.5),
    case(text(400, NON_ASCII), "raw", drug_grams=3.5),
    case(text(5000, "after-"), "after", narrative=text(50000)),
    case(text(5000, "after-"), "after", narrative=text(5000), drug_grams=3.5),
    case("bad-choice-after-long", narrative=text(5000), capacity="ful"),
]
print("\n".join(lines))
