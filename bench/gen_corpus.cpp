// SPDX-License-Identifier: Apache-2.0
// Writes a deterministic corpus of LEAD cases in the standard vocabulary, one JSON object per
// line (about 550 bytes each), for benchmarking `divert batch` and `divert policy diff`.
//   gen_corpus N [SEED] > cases.jsonl
// The same N and SEED always give the same bytes (a fixed xorshift generator, no std::random).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  unsigned below(unsigned n) { return static_cast<unsigned>(next() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
};

const char* pick(Rng& r, std::initializer_list<const char*> options) {
  const unsigned i = r.below(static_cast<unsigned>(options.size()));
  return *(options.begin() + i);
}

std::string date(Rng& r, int from_year, int to_year) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u",
                from_year +
                    static_cast<int>(r.below(static_cast<unsigned>(to_year - from_year + 1))),
                1 + r.below(12), 1 + r.below(28));
  return buf;
}

const char* yn(Rng& r, unsigned percent_true) { return r.chance(percent_true) ? "true" : "false"; }

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gen_corpus N [SEED] > cases.jsonl\n");
    return 64;
  }
  const long n = std::atol(argv[1]);
  Rng r{argc > 2 ? std::strtoull(argv[2], nullptr, 10) * 2654435761u + 1 : 88172645463325252ull};
  std::string line;
  for (long i = 1; i <= n; ++i) {
    const bool arrest = r.chance(80);
    const std::string incident = date(r, 2021, 2025);
    line = "{\"case_id\":\"case-" + std::to_string(i) + "\",";
    line +=
        std::string("\"pathway\":\"") + (arrest ? "arrest_diversion" : "social_contact") + "\",";
    line += "\"incident_date\":\"" + incident + "\",";
    line += std::string("\"in_area\":") + yn(r, 92) + ",";
    if (arrest) {
      line += std::string("\"probable_cause\":") + yn(r, 95) + ",";
      const char* offense =
          pick(r, {"drug_possession", "drug_possession", "drug_possession", "drug_public_use",
                   "drug_delivery", "prostitution", "theft_3", "criminal_trespass",
                   "malicious_mischief_3", "disorderly_conduct", "dui", "assault_4"});
      line += std::string("\"offense\":\"") + offense + "\",";
      line += std::string("\"drug_type\":\"") +
              pick(r, {"opioid", "stimulant", "rx_pills", "cannabis", "other"}) + "\",";
      char grams[32];
      std::snprintf(grams, sizeof grams, "%u.%u", r.below(8), r.below(10));
      line += std::string("\"drug_grams\":") + grams + ",";
    } else {
      line += std::string("\"prior_involvement_basis\":\"") +
              pick(r, {"records", "observation", "reliable_report", "none"}) + "\",";
      line += "\"prior_involvement_date\":\"" + date(r, 2019, 2020) + "\",";
      line += std::string("\"prior_involvement_in_area\":") + yn(r, 85) + ",";
    }
    const bool delivery = r.chance(12);
    line += std::string("\"delivery_involved\":") + (delivery ? "true" : "false") + ",";
    if (delivery) line += std::string("\"subsistence_only\":") + yn(r, 60) + ",";
    line += std::string("\"exploits_minors\":") + yn(r, 2) + ",";
    line += std::string("\"promotes_prostitution\":") + yn(r, 3) + ",";
    line += std::string("\"victim_identified\":") + yn(r, 10) + ",";
    line += std::string("\"domestic_violence\":") + yn(r, 5) + ",";
    line += std::string("\"weapon_involved\":") + yn(r, 4) + ",";
    line += std::string("\"gang_related\":") + yn(r, 3) + ",";
    line += "\"date_of_birth\":\"" + date(r, 1955, 2004) + "\",";
    line += "\"residency_months\":" + std::to_string(r.below(120)) + ",";
    line += "\"convictions\":[";
    const unsigned count = r.below(3);
    for (unsigned c = 0; c < count; ++c) {
      if (c > 0) line += ',';
      line += std::string("{\"category\":\"") +
              pick(r, {"robbery_2", "burglary_2", "other_misdemeanor", "other_felony", "assault_3",
                       "domestic_violence", "murder"}) +
              "\",\"date\":\"" + date(r, 1990, 2020) + "\"}";
    }
    line += "],";
    line += std::string("\"outstanding_warrant\":\"") +
            pick(r, {"none", "none", "none", "none", "misdemeanor", "felony"}) + "\",";
    line += std::string("\"confidential_informant\":") + yn(r, 1) + ",";
    line += "\"prior_diversions\":" + std::to_string(r.below(4)) + ",";
    line += std::string("\"amenable\":") + yn(r, 88) + ",";
    line += std::string("\"consents\":") + yn(r, 85) + ",";
    line += std::string("\"capacity\":\"") +
            pick(r, {"open", "open", "open", "waitlist", "closed"}) + "\"}\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  return 0;
}
