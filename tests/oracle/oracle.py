#!/usr/bin/env python3
"""Independent oracle for `divert` decisions (Python 3.11, stdlib only).

Written from the spec text only (the specification of the checklist vocabulary,
the jurisdictions and the command line) -- never from src/ or policies/*.yaml --
so that it is a second, independent reading of the contract.

Usage:
  oracle.py decide --policy ID [CASES.jsonl]
      print the oracle's decision for each case (JSON Lines)
  oracle.py compare [--max-print N] [--check-unused] ID CASES OUT [ID CASES OUT ...]
      compare `divert batch` output OUT with the oracle on CASES;
      prints at most N mismatches and a final `oracle: P passed, F failed`;
      exit status 1 on any mismatch.

Three-valued logic: True / False / None (= unknown).
"""
import datetime as dt
import json
import sys

T, F, U = True, False, None

# ---------------------------------------------------------------- logic


def k_not(a):
    return None if a is None else (not a)


def k_and(*xs):
    if any(x is False for x in xs):
        return False
    if any(x is None for x in xs):
        return None
    return True


def k_or(*xs):
    if any(x is True for x in xs):
        return True
    if any(x is None for x in xs):
        return None
    return False


def k_any(xs):
    return k_or(*xs) if xs else False


# ---------------------------------------------------------------- dates


def parse_date(s):
    return dt.date.fromisoformat(s)


def _clamped(y, m, d):
    while True:
        try:
            return dt.date(y, m, d)
        except ValueError:
            d -= 1  # the anniversary falls on the month's last day


def add_months(d, n):
    idx = d.year * 12 + (d.month - 1) + n
    return _clamped(idx // 12, idx % 12 + 1, d.day)


def add_years(d, n):
    return _clamped(d.year + n, d.month, d.day)


def age_on(dob, when):
    """Whole years; the birthday itself counts (29 Feb -> 28 Feb)."""
    y = when.year - dob.year
    if when < add_years(dob, y):
        y -= 1
    return y


def within_years(event, incident, n):
    """Strictly after the date n calendar years before incident."""
    return event > add_years(incident, -n)


def within_months(event, incident, n):
    return event > add_months(incident, -n)


# ---------------------------------------------------------------- vocabulary

# The vocabulary table order (= every shipped policy's question order).
QUESTION_ORDER = [
    "pathway", "incident_date", "agency", "in_area", "probable_cause", "offense",
    "drug_type", "drug_grams", "delivery_involved", "subsistence_only",
    "exploits_minors", "promotes_prostitution", "victim_identified",
    "victim_consulted", "domestic_violence", "weapon_involved", "gang_related",
    "date_of_birth", "residency_months", "convictions", "outstanding_warrant",
    "pending_treatment_court", "no_contact_order", "confidential_informant",
    "prior_diversions", "prior_involvement_basis", "prior_involvement_date",
    "prior_involvement_in_area", "amenable", "consents", "capacity",
    "subject_name", "case_number", "narrative",
]
TEXT_QUESTIONS = {"agency", "subject_name", "case_number", "narrative"}
DRUG_OFFENSES = {"drug_possession", "drug_public_use", "drug_delivery"}
ARREST, SOCIAL = "arrest_diversion", "social_contact"


class Case:
    """Answers with ask-conditions applied: get(q) returns the readable value
    or None (unanswered / ask-condition false or unknown)."""

    def __init__(self, answers):
        self.raw = {}
        for k, v in answers.items():
            if k == "case_id":
                continue
            if v is None or v == "" or v == {}:
                continue  # null / empty = not answered ([] for convictions is an answer)
            if k in ("incident_date", "date_of_birth", "prior_involvement_date"):
                v = parse_date(v)
            if k == "convictions":
                v = [(c["category"], parse_date(c["date"])) for c in v]
            self.raw[k] = v
        self._ask = {}

    def answered(self, q):
        return q in self.raw

    def ask(self, q):
        """The question's ask-condition: True / False / None."""
        if q in self._ask:
            return self._ask[q]
        r = self._ask_uncached(q)
        self._ask[q] = r
        return r

    def _eq(self, q, value):
        v = self.get(q)
        return None if v is None else (v == value)

    def _ask_uncached(self, q):
        if q in ("probable_cause", "offense"):
            return self._eq("pathway", ARREST)
        if q in ("drug_type", "drug_grams"):
            off = self.get("offense")
            return None if off is None else (off in DRUG_OFFENSES)
        if q == "subsistence_only":
            return self._eq("delivery_involved", True)
        if q == "victim_consulted":
            return self._eq("victim_identified", True)
        if q == "prior_involvement_basis":
            return self._eq("pathway", SOCIAL)
        if q in ("prior_involvement_date", "prior_involvement_in_area"):
            # "basis asked and not none"
            return k_and(self.ask("prior_involvement_basis"),
                         k_not(self._eq("prior_involvement_basis", "none")))
        return True  # always / policy

    def get(self, q):
        if q not in self.raw or self.ask(q) is not True:
            return None
        return self.raw[q]


# ---------------------------------------------------------------- conditions
# Each condition builder returns (function(case) -> T/F/None, questions read).


def q_true(q):
    return (lambda c: c.get(q)), [q]


def q_not(q):
    return (lambda c: k_not(c.get(q))), [q]


def q_in(q, values):
    values = set(values)
    return (lambda c: None if c.get(q) is None else c.get(q) in values), [q]


def q_is(q, value):
    return q_in(q, [value])


def q_is_not(q, value):
    return (lambda c: None if c.get(q) is None else c.get(q) != value), [q]


def q_gt(q, n):
    return (lambda c: None if c.get(q) is None else c.get(q) > n), [q]


def q_ge(q, n):
    return (lambda c: None if c.get(q) is None else c.get(q) >= n), [q]


def answered(q):
    """answered(q): always known; true when q has an answer while its ask-condition holds."""
    return (lambda c: c.get(q) is not None), [q]


def always():
    return (lambda c: True), []


def c_and(*conds):
    fns = [f for f, _ in conds]
    reads = [q for _, r in conds for q in r]
    return (lambda c: k_and(*[f(c) for f in fns])), reads


def c_not(cond):
    fn, reads = cond
    return (lambda c: k_not(fn(c))), reads


def c_or(*conds):
    fns = [f for f, _ in conds]
    reads = [q for _, r in conds for q in r]
    return (lambda c: k_or(*[f(c) for f in fns])), reads


def under_18():
    def f(c):
        dob, inc = c.get("date_of_birth"), c.get("incident_date")
        if dob is None or inc is None:
            return None
        return age_on(dob, inc) < 18
    return f, ["date_of_birth", "incident_date"]


def lifetime_list(cats):
    cats = set(cats)

    def f(c):
        conv = c.get("convictions")
        if conv is None:
            return None
        return any(cat in cats for cat, _ in conv)
    return f, ["convictions"]


def ten_year_list(cats, years=10):
    cats = set(cats)

    def f(c):
        conv = c.get("convictions")
        if conv is None:
            return None
        inc = c.get("incident_date")
        vals = []
        for cat, d in conv:
            if cat not in cats:
                vals.append(False)
            elif inc is None:
                vals.append(None)
            else:
                vals.append(within_years(d, inc, years))
        return k_any(vals)
    return f, ["convictions", "incident_date"]


def within_months_before(q, months):
    def f(c):
        d, inc = c.get(q), c.get("incident_date")
        if d is None or inc is None:
            return None
        return within_months(d, inc, months)
    return f, [q, "incident_date"]


def incident_between(lo, hi):
    lo = parse_date(lo) if lo else None
    hi = parse_date(hi) if hi else None

    def f(c):
        inc = c.get("incident_date")
        if inc is None:
            return None
        return (lo is None or inc >= lo) and (hi is None or inc <= hi)
    return f, ["incident_date"]


class Rule:
    def __init__(self, rid, effect, pathways, cond):
        self.id, self.effect, self.pathways = rid, effect, pathways
        self.cond, reads = cond
        if pathways is not None:
            reads = ["pathway"] + reads
        self.reads = set(reads)

    def applies(self, c):
        if self.pathways is None:
            return True
        p = c.get("pathway")
        return None if p is None else (p in self.pathways)

    def value(self, c):
        """exclude/require: does it fail?  approval/notice: is it true?"""
        cond = self.cond(c)
        if self.effect == "require":
            return k_and(self.applies(c), k_not(cond))
        return k_and(self.applies(c), cond)


A, S, BOTH = [ARREST], [SOCIAL], None

LIFETIME_KC = ["murder", "manslaughter", "arson_1", "arson_2", "robbery_1",
               "assault_1", "kidnapping", "sex_offense", "firearm_1"]
TEN_YEAR_KC = ["domestic_violence", "robbery_2", "assault_2", "assault_3",
               "burglary_1", "burglary_2", "firearm_2"]


def wa_state():
    window = incident_between("2021-05-13", "2023-06-30")
    return [
        # an unknown count keeps the statute's default: the referral is required
        Rule("rcw-10-31-115-referral-required", "notice", A,
             c_and(window, q_is("offense", "drug_possession"),
                   c_not(c_and(answered("prior_diversions"), q_ge("prior_diversions", 2))))),
        Rule("rcw-10-31-115-referral-discretionary", "notice", A,
             c_and(window, q_is("offense", "drug_possession"),
                   answered("prior_diversions"), q_ge("prior_diversions", 2))),
        Rule("wa-2023-referral-encouraged", "notice", A,
             c_and(incident_between("2023-07-01", None),
                   q_in("offense", ["drug_possession", "drug_public_use"]))),
        Rule("wa-paraphernalia-local-only", "notice", A,
             c_and(window, q_is("offense", "drug_paraphernalia"))),
        Rule("wa-paraphernalia-not-a-crime", "exclude", A,
             c_and(incident_between("2023-07-01", None), q_is("offense", "drug_paraphernalia"))),
    ]


def dealing_for_profit(pathways):
    return Rule("dealing-for-profit", "exclude", pathways,
                c_and(q_true("delivery_involved"), q_not("subsistence_only")))


def wa_king_county_2011():
    return wa_state() + [
        Rule("no-probable-cause", "require", A, q_true("probable_cause")),
        Rule("offense-not-eligible", "require", A,
             q_in("offense", ["drug_possession", "drug_delivery", "prostitution"])),
        Rule("over-quantity", "exclude", A,
             c_and(q_in("offense", ["drug_possession", "drug_delivery"]),
                   q_gt("drug_grams", 3))),
        dealing_for_profit(BOTH),
        Rule("exploits-minors", "exclude", BOTH, q_true("exploits_minors")),
        Rule("promotes-prostitution", "exclude", BOTH, q_true("promotes_prostitution")),
        Rule("not-amenable", "exclude", BOTH, q_not("amenable")),
        Rule("outstanding-warrant", "exclude", BOTH, q_is_not("outstanding_warrant", "none")),
        Rule("outside-area", "require", BOTH, q_true("in_area")),
        Rule("under-18", "exclude", BOTH, under_18()),
        Rule("lifetime-disqualifying-conviction", "exclude", BOTH, lifetime_list(LIFETIME_KC)),
        Rule("recent-disqualifying-conviction", "exclude", BOTH, ten_year_list(TEN_YEAR_KC)),
        Rule("no-prior-involvement", "require", S, q_is_not("prior_involvement_basis", "none")),
        Rule("no-consent", "require", BOTH, q_true("consents")),
        Rule("social-contact-approval", "approval", S, always()),
    ]


def wa_whatcom():
    return wa_state() + [
        Rule("outside-area", "require", BOTH, q_true("in_area")),
        Rule("no-probable-cause", "require", A, q_true("probable_cause")),
        Rule("offense-not-eligible", "require", A,
             q_in("offense", ["drug_possession", "drug_public_use", "drug_paraphernalia",
                              "malicious_mischief_3", "disorderly_conduct",
                              "criminal_trespass", "theft_3"])),
        dealing_for_profit(BOTH),
        Rule("exploits-minors", "exclude", BOTH, q_true("exploits_minors")),
        Rule("promotes-prostitution", "exclude", BOTH, q_true("promotes_prostitution")),
        Rule("domestic-violence", "exclude", A, q_true("domestic_violence")),
        Rule("weapon-involved", "exclude", A, q_true("weapon_involved")),
        Rule("not-amenable", "exclude", BOTH, q_not("amenable")),
        Rule("felony-warrant", "exclude", BOTH, q_is("outstanding_warrant", "felony")),
        Rule("under-18", "exclude", BOTH, under_18()),
        Rule("lifetime-disqualifying-conviction", "exclude", BOTH, lifetime_list(LIFETIME_KC)),
        Rule("recent-disqualifying-conviction", "exclude", BOTH, ten_year_list(TEN_YEAR_KC)),
        Rule("no-prior-involvement", "require", S, q_is_not("prior_involvement_basis", "none")),
        Rule("no-consent", "require", BOTH, q_true("consents")),
        Rule("at-capacity", "approval", BOTH, q_is_not("capacity", "open")),
    ]


def nm_santa_fe():
    return [
        Rule("no-probable-cause", "require", A, q_true("probable_cause")),
        Rule("offense-not-eligible", "require", A,
             q_in("offense", ["drug_possession", "drug_paraphernalia", "drug_delivery",
                              "theft_3"])),
        # the opiate scope stays only for a subsistence sale
        Rule("drug-type-not-eligible", "require", A,
             c_or(q_is_not("offense", "drug_delivery"), q_in("drug_type", ["opioid", "rx_pills"]))),
        Rule("over-quantity", "exclude", A,
             c_and(q_in("offense", ["drug_possession", "drug_delivery"]),
                   q_is_not("drug_type", "rx_pills"), q_gt("drug_grams", 6))),
        dealing_for_profit(BOTH),
        Rule("exploits-minors", "exclude", BOTH, q_true("exploits_minors")),
        Rule("promotes-prostitution", "exclude", BOTH, q_true("promotes_prostitution")),
        Rule("not-amenable", "exclude", BOTH, q_not("amenable")),
        Rule("under-18", "exclude", BOTH, under_18()),
        Rule("confidential-informant", "exclude", BOTH, q_true("confidential_informant")),
        Rule("lifetime-disqualifying-conviction", "exclude", BOTH, lifetime_list(LIFETIME_KC)),
        Rule("no-prior-involvement", "require", S, q_is_not("prior_involvement_basis", "none")),
        Rule("prior-involvement-outside-area", "require", S, q_true("prior_involvement_in_area")),
        Rule("no-consent", "require", BOTH, q_true("consents")),
        Rule("prosecutor-approval", "approval", A, always()),
    ]


def co_pueblo():
    return [
        Rule("no-probable-cause", "require", A, q_true("probable_cause")),
        Rule("offense-not-eligible", "require", A, q_is("offense", "drug_possession")),
        Rule("drug-type-not-eligible", "require", A, q_is("drug_type", "opioid")),
        Rule("over-quantity", "exclude", A, q_gt("drug_grams", 2)),
        Rule("victim-involved", "exclude", BOTH, q_true("victim_identified")),
        Rule("residency", "require", BOTH, q_ge("residency_months", 24)),
        Rule("intent-to-deliver", "exclude", BOTH, q_true("delivery_involved")),
        Rule("exploits-minors", "exclude", BOTH, q_true("exploits_minors")),
        Rule("promotes-prostitution", "exclude", BOTH, q_true("promotes_prostitution")),
        Rule("not-amenable", "exclude", BOTH, q_not("amenable")),
        Rule("violent-history", "exclude", BOTH,
             lifetime_list(["murder", "manslaughter", "robbery_1", "robbery_2", "assault_1",
                            "assault_2", "kidnapping", "sex_offense", "arson_1"])),
        Rule("no-prior-involvement", "require", S, q_is_not("prior_involvement_basis", "none")),
        Rule("prior-involvement-outside-area", "require", S, q_true("prior_involvement_in_area")),
        Rule("no-consent", "require", BOTH, q_true("consents")),
    ]


def ca_lead_pilot():
    return [
        Rule("no-probable-cause", "require", A, q_true("probable_cause")),
        Rule("offense-not-eligible", "require", A,
             q_in("offense", ["drug_possession", "drug_delivery", "prostitution"])),
        dealing_for_profit(A),
        Rule("no-prior-involvement", "require", S, q_is_not("prior_involvement_basis", "none")),
        Rule("prior-involvement-outside-area", "require", S, q_true("prior_involvement_in_area")),
        Rule("prior-involvement-stale", "require", S,
             within_months_before("prior_involvement_date", 24)),
        Rule("pending-treatment-court", "exclude", S, q_true("pending_treatment_court")),
        Rule("no-contact-order", "exclude", S, q_true("no_contact_order")),
        Rule("no-capacity-for-social-contact", "require", S, q_is("capacity", "open")),
        Rule("no-consent", "require", BOTH, q_true("consents")),
    ]


def wa_burien():
    return wa_state() + [
        Rule("no-probable-cause", "require", A, q_true("probable_cause")),
        Rule("offense-not-eligible", "require", A,
             q_in("offense", ["drug_possession", "criminal_trespass", "prostitution",
                              "theft_3", "unlawful_transit_conduct"])),
        Rule("domestic-violence", "exclude", BOTH, q_true("domestic_violence")),
        Rule("gang-related", "exclude", BOTH, q_true("gang_related")),
        Rule("lifetime-disqualifying-conviction", "exclude", BOTH,
             lifetime_list(["murder", "sex_offense", "assault_1", "assault_2"])),
        # the city's "certain violent offenses" are not listed: the approver decides
        Rule("violent-history-review", "approval", BOTH,
             lifetime_list(["robbery_1", "robbery_2", "kidnapping", "arson_1", "manslaughter",
                            "firearm_1"])),
        Rule("victim-views", "approval", A, q_true("victim_identified")),
        Rule("no-prior-involvement", "require", S, q_is_not("prior_involvement_basis", "none")),
        Rule("no-consent", "require", BOTH, q_true("consents")),
        Rule("screening-approval", "approval", BOTH, always()),
    ]


POLICIES = {
    "wa-king-county-2011": wa_king_county_2011,
    "wa-whatcom": wa_whatcom,
    "nm-santa-fe": nm_santa_fe,
    "co-pueblo": co_pueblo,
    "ca-lead-pilot": ca_lead_pilot,
    "wa-burien": wa_burien,
}
_RULES = {}


def rules_of(policy):
    if policy not in _RULES:
        _RULES[policy] = POLICIES[policy]()
    return _RULES[policy]


# ---------------------------------------------------------------- decision


def decide(policy, answers):
    rules = rules_of(policy)
    c = Case(answers)
    vals = [(r, r.value(c)) for r in rules]
    gate = [(r, v) for r, v in vals if r.effect in ("require", "exclude")]
    appr = [(r, v) for r, v in vals if r.effect == "approval"]
    notices = {r.id for r, v in vals if r.effect == "notice" and v is True}
    failing = {r.id for r, v in gate if v is True}
    unknown = [r for r, v in vals if v is None and r.effect != "notice"]
    if failing:
        outcome, reasons = "ineligible", failing
    elif any(v is None for _, v in gate):
        outcome, reasons = "incomplete", set()
    elif any(v is True for _, v in appr):
        outcome, reasons = "needs_approval", {r.id for r, v in appr if v is True}
    elif any(v is None for _, v in appr):
        outcome, reasons = "incomplete", set()
    else:
        outcome, reasons = "eligible", set()
    missing = []
    if outcome == "incomplete":
        read = set().union(*[r.reads for r in unknown]) if unknown else set()
        missing = [q for q in QUESTION_ORDER
                   if q in read and not c.answered(q) and c.ask(q) is True]
    # unused: answered ids the policy never reads, or whose ask-condition is not true
    policy_reads = set().union(*[r.reads for r in rules]) | {"pathway", "incident_date"}
    unused = [q for q in QUESTION_ORDER
              if c.answered(q) and (q not in policy_reads or c.ask(q) is not True)]
    return {"outcome": outcome, "reasons": reasons, "notices": notices,
            "missing": missing, "unused": unused}


# ---------------------------------------------------------------- CLI


def read_lines(path):
    with open(path, "rb") as fh:
        data = fh.read().decode("utf-8")
    # physical lines, 1-based; LF separated, CR before LF tolerated
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [l[:-1] if l.endswith("\r") else l for l in lines]


def cases_of(path):
    """[(line_no, case_dict)] for non-blank lines."""
    out = []
    for i, line in enumerate(read_lines(path), 1):
        if line.strip() == "":
            continue
        out.append((i, json.loads(line)))
    return out


def to_json(d):
    return {"outcome": d["outcome"], "reasons": sorted(d["reasons"]),
            "notices": sorted(d["notices"]), "missing": d["missing"], "unused": d["unused"]}


def cmd_decide(args):
    policy = None
    path = "-"
    it = iter(args)
    for a in it:
        if a == "--policy":
            policy = next(it)
        else:
            path = a
    if policy not in POLICIES:
        sys.exit("oracle: unknown or missing --policy (one of %s)" % ", ".join(POLICIES))
    if path == "-":
        path = "/dev/stdin"
    for ln, case in cases_of(path):
        d = to_json(decide(policy, case))
        print(json.dumps({"line": ln, "case_id": case.get("case_id"), **d}))
    return 0


def compare_one(policy, cases_path, out_path, check_unused):
    """Yields (ok, message) per case."""
    expected = {ln: case for ln, case in cases_of(cases_path)}
    got = {}
    extra = []
    for raw in read_lines(out_path):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except ValueError:
            extra.append("unparsable output line: %r" % raw[:200])
            continue
        ln = obj.get("line")
        if ln in got or ln not in expected:
            extra.append("unexpected output line %r: %s" % (ln, raw[:200]))
            continue
        got[ln] = obj
    for msg in extra:
        yield False, "[%s] %s" % (policy, msg)
    for ln, case in expected.items():
        want = decide(policy, case)
        obj = got.get(ln)
        problems = []
        if obj is None:
            problems.append("no output line")
        elif "error" in obj and obj.get("error") is not None:
            problems.append("tool error: %s" % json.dumps(obj["error"]))
        else:
            tool_reasons = {r.get("rule") for r in obj.get("reasons") or []}
            tool_notices = {r.get("rule") for r in obj.get("notices") or []}
            if obj.get("case_id") != case.get("case_id"):
                problems.append("case_id %r != %r" % (obj.get("case_id"), case.get("case_id")))
            if obj.get("outcome") != want["outcome"]:
                problems.append("outcome")
            if tool_reasons != want["reasons"]:
                problems.append("reasons")
            if tool_notices != want["notices"]:
                problems.append("notices")
            if obj.get("missing") != want["missing"]:
                problems.append("missing")
            if check_unused and sorted(obj.get("unused") or []) != sorted(want["unused"]):
                problems.append("unused")
            has_ref = obj.get("referral") is not None
            if "referral" in obj and has_ref != (obj.get("outcome") in ("eligible", "needs_approval")):
                problems.append("referral null-ness")
        if not problems:
            yield True, None
            continue
        tool = None
        if obj is not None:
            tool = {"outcome": obj.get("outcome"),
                    "reasons": sorted(r.get("rule") for r in obj.get("reasons") or []),
                    "notices": sorted(r.get("rule") for r in obj.get("notices") or []),
                    "missing": obj.get("missing"), "unused": obj.get("unused")}
            if obj.get("error") is not None:
                tool = {"error": obj.get("error")}
        msg = ("[%s] line %d differs in %s\n  case:   %s\n  oracle: %s\n  divert: %s"
               % (policy, ln, ", ".join(problems), json.dumps(case),
                  json.dumps(to_json(want)), json.dumps(tool)))
        yield False, msg


def cmd_compare(args):
    max_print = 20
    check_unused = False
    rest = []
    it = iter(args)
    for a in it:
        if a == "--max-print":
            max_print = int(next(it))
        elif a == "--check-unused":
            check_unused = True
        else:
            rest.append(a)
    if len(rest) % 3 or not rest:
        sys.exit("oracle: compare needs POLICY CASES OUT triples")
    passed = failed = printed = 0
    for i in range(0, len(rest), 3):
        policy, cases_path, out_path = rest[i:i + 3]
        if policy not in POLICIES:
            sys.exit("oracle: unknown policy %s" % policy)
        for ok, msg in compare_one(policy, cases_path, out_path, check_unused):
            if ok:
                passed += 1
            else:
                failed += 1
                if printed < max_print:
                    print(msg)
                    printed += 1
    if failed > printed:
        print("... %d more mismatches not shown" % (failed - printed))
    print("oracle: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def main(argv):
    if len(argv) < 2 or argv[1] not in ("decide", "compare"):
        print(__doc__, file=sys.stderr)
        return 64
    if argv[1] == "decide":
        return cmd_decide(argv[2:])
    return cmd_compare(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
