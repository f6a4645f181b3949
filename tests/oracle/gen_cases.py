#!/usr/bin/env python3
"""Seeded random case generator for the divert oracle (Python 3.11 stdlib).

Usage: gen_cases.py [--seed S] [--n N] [--policy ID] [--empty-strings P] > cases.jsonl

--empty-strings P: of the omitted answers, a share P is written as "" (an
"empty value", which the vocabulary says means "not answered"); default 0.

Every case uses the standard vocabulary only and every value is valid (no
input errors: past dates never follow incident_date).  Cases are biased
toward boundaries (grams around 2/3/6, convictions and birthdays around the
exact N-year anniversaries incl. 29 February, residency 23/24, incident dates
around 2021-05-13 and 2023-06-30/07-01), toward omitted answers and toward
stale answers (wrong pathway, subsistence_only with delivery_involved false,
prior_involvement_* with basis none).  --policy only shifts the "clean"
baseline so that each policy also sees enough eligible/needs_approval cases.
"""
import datetime as dt
import json
import random
import sys

ARREST, SOCIAL = "arrest_diversion", "social_contact"
OFFENSES = ["drug_possession", "drug_public_use", "drug_paraphernalia", "drug_delivery",
            "prostitution", "theft_3", "criminal_trespass", "malicious_mischief_3",
            "disorderly_conduct", "unlawful_transit_conduct", "dui", "traffic",
            "assault_4", "other"]
DRUG_TYPES = ["opioid", "stimulant", "cannabis", "rx_pills", "other", "none"]
CATEGORIES = ["murder", "manslaughter", "arson_1", "arson_2", "robbery_1", "robbery_2",
              "assault_1", "assault_2", "assault_3", "kidnapping", "sex_offense",
              "firearm_1", "firearm_2", "burglary_1", "burglary_2", "domestic_violence",
              "drug_delivery", "promoting_prostitution", "other_felony", "other_misdemeanor"]
HARMLESS_CATS = ["drug_delivery", "promoting_prostitution", "other_felony",
                 "other_misdemeanor"]
WARRANTS = ["none", "misdemeanor", "felony"]
BASES = ["records", "observation", "reliable_report", "none"]
CAPACITY = ["open", "waitlist", "closed"]

# what a "clean" (likely eligible) arrest looks like per policy
CLEAN_OFFENSE = {
    "wa-king-county-2011": ["drug_possession", "drug_delivery", "prostitution"],
    "wa-whatcom": ["drug_possession", "drug_public_use", "drug_paraphernalia",
                   "malicious_mischief_3", "disorderly_conduct", "criminal_trespass", "theft_3"],
    "nm-santa-fe": ["drug_possession", "drug_paraphernalia", "drug_delivery", "theft_3"],
    "co-pueblo": ["drug_possession"],
    "ca-lead-pilot": ["drug_possession", "drug_delivery", "prostitution"],
    "wa-burien": ["drug_possession", "criminal_trespass", "prostitution", "theft_3",
                  "unlawful_transit_conduct"],
}
CLEAN_DRUG = {"nm-santa-fe": ["opioid", "rx_pills"], "co-pueblo": ["opioid"]}
TODAY = dt.date(2026, 11, 1)  # keep incidents in the past (a later one only warns)

INCIDENT_PINS = ["2021-05-12", "2021-05-13", "2021-05-14", "2023-06-29", "2023-06-30",
                 "2023-07-01", "2023-07-02", "2024-02-29", "2024-02-28", "2024-03-01",
                 "2020-02-29", "2020-03-01", "2025-02-28", "2025-03-01", "2022-02-28",
                 "2022-03-01", "2026-02-28", "2026-03-01", "2023-03-01", "2024-05-31"]


def d(s):
    return dt.date.fromisoformat(s)


def clamp(y, m, day):
    while True:
        try:
            return dt.date(y, m, day)
        except ValueError:
            day -= 1


def add_years(x, n):
    return clamp(x.year + n, x.month, x.day)


def add_months(x, n):
    idx = x.year * 12 + x.month - 1 + n
    return clamp(idx // 12, idx % 12 + 1, x.day)


class Gen:
    def __init__(self, seed, policy, empty=0.0):
        self.r = random.Random(seed)
        self.policy = policy
        self.empty = empty

    def chance(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return self.r.choice(xs)

    def incident(self):
        if self.chance(0.45):
            return d(self.pick(INCIDENT_PINS))
        lo, hi = d("2012-01-01"), TODAY
        return lo + dt.timedelta(days=self.r.randrange((hi - lo).days + 1))

    def past_near(self, anchor, inc, spread=2):
        """A date within +-spread days of anchor, never after inc."""
        x = anchor + dt.timedelta(days=self.r.randint(-spread, spread))
        return min(x, inc) if inc else x

    def random_past(self, inc, years_back=40):
        base = inc or TODAY
        x = base - dt.timedelta(days=self.r.randrange(0, 365 * years_back))
        return x

    def leap_day_near(self, anchor):
        """29 February of a leap year near anchor's year (or None)."""
        for y in (anchor.year, anchor.year - 1, anchor.year + 1, anchor.year - 2,
                  anchor.year + 2, anchor.year - 3, anchor.year + 3):
            try:
                return dt.date(y, 2, 29)
            except ValueError:
                continue
        return None

    def near_anniversary(self, inc, years=0, months=0):
        """A date near the exact N-years/months-before date of inc (never after it)."""
        if inc is None:
            return self.random_past(None)
        anchor = add_months(inc, -months) if months else add_years(inc, -years)
        if self.chance(0.15):
            leap = self.leap_day_near(anchor)
            if leap and leap <= inc:
                return leap
        return self.past_near(anchor, inc, spread=self.pick([0, 0, 1, 1, 2, 40]))

    def grams(self):
        if self.chance(0.7):
            base = self.pick([2, 3, 6])
            delta = self.pick([0, 0, 0, 0.01, -0.01, 0.5, -0.5, 0.001, -0.001, 1, -1])
            g = round(base + delta, 3)
            if g == int(g) and self.chance(0.5):
                return int(g)
            return g
        if self.chance(0.3):
            return self.pick([0, 0.0, 10000, 9999.99, 0.1])
        return round(self.r.uniform(0, 20), 2)

    def convictions(self, inc, noise):
        n = self.pick([0, 0, 1, 1, 1, 2, 3])
        out = []
        for _ in range(n):
            if self.chance(1 - noise):
                cat = self.pick(HARMLESS_CATS + ["robbery_2", "assault_2", "domestic_violence"])
            else:
                cat = self.pick(CATEGORIES)
            if self.chance(0.6):
                date = self.near_anniversary(inc, years=10)
            else:
                date = self.random_past(inc, 30)
            out.append({"category": cat, "date": date.isoformat()})
        return out

    def case(self, idx):
        r = self.r
        noise = self.pick([0.0, 0.02, 0.05, 0.1, 0.2, 0.4])
        omit = self.pick([0.0, 0.0, 0.02, 0.05, 0.15, 0.4])
        bad = lambda: self.chance(noise)  # noqa: E731
        pol = self.policy
        a = {}

        u = r.random()
        pathway = ARREST if u < 0.6 else SOCIAL if u < 0.95 else None
        inc = self.incident()

        a["pathway"] = pathway
        a["incident_date"] = inc.isoformat()
        a["in_area"] = not bad()
        # arrest fields: always on arrest, sometimes stale on social/unknown
        if pathway == ARREST or self.chance(0.35):
            a["probable_cause"] = not bad()
            if self.chance(1 - noise * 2) and pol in CLEAN_OFFENSE:
                off = self.pick(CLEAN_OFFENSE[pol])
            else:
                off = self.pick(OFFENSES)
            a["offense"] = off
            drug = off in ("drug_possession", "drug_public_use", "drug_delivery")
            if drug or self.chance(0.3):  # stale drug answers on non-drug offenses
                if pol in CLEAN_DRUG and not bad():
                    a["drug_type"] = self.pick(CLEAN_DRUG[pol])
                else:
                    a["drug_type"] = self.pick(DRUG_TYPES)
                a["drug_grams"] = self.grams()
        a["delivery_involved"] = self.chance(noise + 0.1)
        if a["delivery_involved"] or self.chance(0.4):
            # subsistence_only also given (stale) when delivery_involved is false
            a["subsistence_only"] = self.chance(0.6)
        a["exploits_minors"] = bad()
        a["promotes_prostitution"] = bad()
        a["victim_identified"] = self.chance(noise + 0.1)
        if a["victim_identified"] or self.chance(0.3):
            a["victim_consulted"] = self.chance(0.6)
        a["domestic_violence"] = bad()
        a["weapon_involved"] = bad()
        a["gang_related"] = bad()
        # date of birth: around the 18th birthday, 29 Feb births, or adult
        u = r.random()
        if u < 0.35:
            a["date_of_birth"] = self.near_anniversary(inc, years=18).isoformat()
        elif u < 0.45:
            leap = self.leap_day_near(add_years(inc, -18))
            dob = leap if leap and leap <= inc else add_years(inc, -18)
            a["date_of_birth"] = dob.isoformat()
        else:
            a["date_of_birth"] = (add_years(inc, -r.randint(19, 70))
                                  - dt.timedelta(days=r.randrange(365))).isoformat()
        a["residency_months"] = (self.pick([23, 24, 25, 0, 1500, 30, 100])
                                 if self.chance(0.6) else r.randint(0, 400))
        a["convictions"] = self.convictions(inc, noise)
        a["outstanding_warrant"] = "none" if not bad() else self.pick(WARRANTS)
        a["pending_treatment_court"] = bad()
        a["no_contact_order"] = bad()
        a["confidential_informant"] = bad()
        a["prior_diversions"] = self.pick([0, 0, 1, 1, 2, 3, 7])
        # prior involvement: on social, sometimes stale on arrest; date/in_area
        # sometimes present with basis none
        if pathway != ARREST or self.chance(0.3):
            a["prior_involvement_basis"] = ("none" if bad() or self.chance(0.05)
                                            else self.pick(BASES[:3]))
            if a["prior_involvement_basis"] != "none" or self.chance(0.5):
                if self.chance(0.6):
                    pdate = self.near_anniversary(inc, months=24)
                else:
                    pdate = inc - dt.timedelta(days=r.randrange(0, 1200))
                a["prior_involvement_date"] = pdate.isoformat()
                a["prior_involvement_in_area"] = not bad()
        a["amenable"] = not bad()
        a["consents"] = not bad()
        a["capacity"] = "open" if not bad() and self.chance(0.85) else self.pick(CAPACITY)

        # omissions: each question may go missing
        for k in list(a):
            if a[k] is not None and self.chance(omit):
                a[k] = None
        if a.get("incident_date") is None and self.chance(0.7):
            a["incident_date"] = inc.isoformat()  # keep most cases dated
        # represent "not answered" in the three allowed ways
        out = {}
        for k, v in a.items():
            if v is None:
                form = r.random()
                if form < 0.15:
                    out[k] = None
                elif form < 0.15 + self.empty and k != "convictions":
                    out[k] = ""  # "an empty value means not answered"
                # else: key left out
            else:
                out[k] = v
        if self.chance(0.02):
            out["convictions"] = []  # explicitly checked, none
        cid = ("case-%d" % idx) if self.chance(0.7) else idx
        items = list(out.items())
        r.shuffle(items)
        return dict([("case_id", cid)] + items)


def main(argv):
    seed, n, policy, empty = 1, 3000, None, 0.0
    it = iter(argv[1:])
    for a in it:
        if a == "--seed":
            seed = int(next(it))
        elif a == "--n":
            n = int(next(it))
        elif a == "--policy":
            policy = next(it)
        elif a == "--empty-strings":
            empty = float(next(it))
        else:
            sys.exit("usage: gen_cases.py [--seed S] [--n N] [--policy ID] [--empty-strings P]")
    g = Gen("%s/%s" % (seed, policy), policy, empty)
    out = sys.stdout
    for i in range(1, n + 1):
        line = json.dumps(g.case(i))
        # exercise physical line numbering: occasional blank lines and CRLF
        if g.chance(0.01):
            out.write("\n")
        out.write(line + ("\r\n" if g.chance(0.02) else "\n"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
