// SPDX-License-Identifier: Apache-2.0
#include "core/record/allowed_signers.hpp"

#include "core/base/dates.hpp"
#include "core/base/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace divert {

bool match_pattern(std::string_view text, std::string_view pattern) {
  // Iterative glob with one backtrack point for the last '*': linear in practice.
  size_t t = 0, p = 0;
  size_t star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++t;
      ++p;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

int match_pattern_list(std::string_view text, std::string_view patterns) {
  bool positive = false;
  size_t i = 0;
  while (i < patterns.size()) {
    bool negated = false;
    if (patterns[i] == '!') {
      negated = true;
      ++i;
    }
    size_t end = patterns.find(',', i);
    if (end == std::string_view::npos) {
      end = patterns.size();
    }
    const std::string_view sub = patterns.substr(i, end - i);
    if (sub.size() >= 1023) {
      return 0; // OpenSSH gives up on sub-patterns this long
    }
    if (match_pattern(text, sub)) {
      if (negated) {
        return -1;
      }
      positive = true;
    }
    i = end < patterns.size() ? end + 1 : end;
  }
  return positive ? 1 : 0;
}

std::optional<long long> parse_openssh_time(std::string_view text, std::string* why,
                                            const LocalTimeToEpoch& local) {
  auto fail = [&](std::string message) -> std::optional<long long> {
    if (why != nullptr) {
      *why = std::move(message);
    }
    return std::nullopt;
  };
  std::string_view digits = text;
  auto ends_with_ci = [&](std::string_view suffix) {
    if (digits.size() <= suffix.size()) return false;
    for (size_t k = 0; k < suffix.size(); ++k) {
      if (std::toupper(static_cast<unsigned char>(digits[digits.size() - suffix.size() + k])) !=
          suffix[k]) {
        return false;
      }
    }
    return true;
  };
  bool utc = true;
  if (ends_with_ci("Z")) {
    digits.remove_suffix(1);
  } else if (ends_with_ci("UTC")) {
    digits.remove_suffix(3);
  } else if (local) {
    utc = false;
  } else {
    return fail(fmt::format("time '{}' has no 'Z': OpenSSH reads it as the verifier's local time; "
                            "write it in UTC, e.g. '{}Z'",
                            text, text));
  }
  if ((digits.size() != 8 && digits.size() != 12 && digits.size() != 14) ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return fail(fmt::format("time '{}' is not YYYYMMDD[HHMM[SS]]Z", text));
  }
  auto two = [&](size_t at) { return (digits[at] - '0') * 10 + (digits[at + 1] - '0'); };
  const int year = two(0) * 100 + two(2);
  const int month = two(4);
  const int day = two(6);
  const int h = digits.size() >= 12 ? two(8) : 0;
  const int m = digits.size() >= 12 ? two(10) : 0;
  const int s = digits.size() == 14 ? two(12) : 0;
  // strptime's ranges; timegm/mktime then roll February 31 into March, second 60 into the
  // next minute.
  if (month < 1 || month > 12 || day < 1 || day > 31) {
    return fail(fmt::format("time '{}' is not a calendar date", text));
  }
  if (h > 23 || m > 59 || s > 61) {
    return fail(fmt::format("time '{}' is not a valid time of day", text));
  }
  std::optional<long long> t;
  if (utc) {
    const auto first = parse_date(fmt::format("{:04}-{:02}-01", year, month));
    if (first) {
      t = (static_cast<long long>(*first) + day - 1) * k_seconds_per_day + h * 3600 + m * 60 + s;
    }
  } else {
    t = local(year, month, day, h, m, s);
  }
  if (!t || *t <= 0) {
    return fail(fmt::format("time '{}' is not after 1970", text));
  }
  return t;
}

std::string format_openssh_time(long long seconds) {
  const DayAndTime t = split_unix_seconds(seconds);
  const CivilDate d = civil_from_days(t.day);
  return fmt::format("{:04}{:02}{:02}{:02}{:02}{:02}Z", d.year, d.month, d.day,
                     t.second_of_day / 3600, t.second_of_day / 60 % 60, t.second_of_day % 60);
}

namespace {

constexpr std::array<std::string_view, 16> k_key_types = {
    "ssh-ed25519",
    "ssh-rsa",
    "ssh-dss",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-xmss@openssh.com",
    "ssh-ed25519-cert-v01@openssh.com",
    "ssh-rsa-cert-v01@openssh.com",
    "ecdsa-sha2-nistp256-cert-v01@openssh.com",
    "ecdsa-sha2-nistp384-cert-v01@openssh.com",
    "ecdsa-sha2-nistp521-cert-v01@openssh.com",
    "sk-ssh-ed25519-cert-v01@openssh.com",
    "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
};

bool is_key_type(std::string_view word) {
  return std::find(k_key_types.begin(), k_key_types.end(), word) != k_key_types.end();
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

class LineParser {
public:
  LineParser(std::string_view line, const std::string& file, int number)
      : m_line(line), m_file(file), m_number(number) {}

  [[noreturn]] void fail(size_t at, const std::string& message) const {
    throw InputError(SourceLocation{m_file, m_number, static_cast<int>(at) + 1}, message);
  }

  void skip_space() {
    while (m_pos < m_line.size() && is_space(m_line[m_pos])) ++m_pos;
  }
  bool at_end() const { return m_pos >= m_line.size(); }
  size_t pos() const { return m_pos; }

  // A whitespace-delimited word.
  std::string_view word() {
    const size_t start = m_pos;
    while (m_pos < m_line.size() && !is_space(m_line[m_pos])) ++m_pos;
    return m_line.substr(start, m_pos - start);
  }

  // The principals, read as OpenSSH's strdelimw() reads them: up to a space or a double quote;
  // a quote is dropped and what it encloses (spaces too) belongs to the principals, which end
  // at the closing quote (the next field may follow it at once).
  std::string principals() {
    const size_t start = m_pos;
    while (m_pos < m_line.size() && !is_space(m_line[m_pos]) && m_line[m_pos] != '"') ++m_pos;
    std::string out(m_line.substr(start, m_pos - start));
    if (m_pos < m_line.size() && m_line[m_pos] == '"') {
      const size_t close = m_line.find('"', m_pos + 1);
      if (close == std::string_view::npos) {
        fail(m_pos, "unterminated quoted principals");
      }
      out.append(m_line.substr(m_pos + 1, close - m_pos - 1));
      m_pos = close + 1;
    }
    return out;
  }

  // The options field: up to an unquoted space, quotes may hold spaces.
  std::string_view options() {
    const size_t start = m_pos;
    bool quoted = false;
    while (m_pos < m_line.size() && (quoted || !is_space(m_line[m_pos]))) {
      if (m_line[m_pos] == '\\' && m_pos + 1 < m_line.size() && m_line[m_pos + 1] == '"') {
        m_pos += 2;
        continue;
      }
      if (m_line[m_pos] == '"') quoted = !quoted;
      ++m_pos;
    }
    if (quoted) {
      fail(start, "unterminated quote in options");
    }
    return m_line.substr(start, m_pos - start);
  }

  std::string_view rest() const { return m_line.substr(m_pos); }

private:
  std::string_view m_line;
  const std::string& m_file;
  int m_number;
  size_t m_pos = 0;
};

// Parses `opts` (which starts at column offset `base` of the line) into `entry`.
void parse_options(std::string_view opts, size_t base, AllowedSigner& entry,
                   const LineParser& parser, const LocalTimeToEpoch& local) {
  size_t i = 0;
  while (i < opts.size()) {
    const size_t start = i;
    size_t name_end = i;
    while (name_end < opts.size() && opts[name_end] != '=' && opts[name_end] != ',') ++name_end;
    std::string name(opts.substr(i, name_end - i));
    std::transform(name.begin(), name.end(), name.begin(), [](char c) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    if (name != "namespaces" && name != "valid-after" && name != "valid-before") {
      parser.fail(base + start,
                  fmt::format("unsupported allowed_signers option '{}' (divert supports "
                              "namespaces=, valid-after= and valid-before=)",
                              opts.substr(i, name_end - i)));
    }
    if (name_end >= opts.size() || opts[name_end] != '=') {
      parser.fail(base + start, fmt::format("option '{}' needs a quoted value", name));
    }
    i = name_end + 1;
    if (i >= opts.size() || opts[i] != '"') {
      parser.fail(base + i, fmt::format("the value of '{}' must be in double quotes", name));
    }
    ++i;
    std::string value;
    while (i < opts.size() && opts[i] != '"') {
      if (opts[i] == '\\' && i + 1 < opts.size() && opts[i + 1] == '"') {
        ++i;
      }
      value += opts[i++];
    }
    if (i >= opts.size()) {
      parser.fail(base + start, fmt::format("the value of '{}' has no closing quote", name));
    }
    ++i; // closing quote
    if (name == "namespaces") {
      if (entry.namespaces) {
        parser.fail(base + start, "more than one namespaces= option");
      }
      entry.namespaces = value;
    } else {
      std::string why;
      const auto t = parse_openssh_time(value, &why, local);
      if (!t) {
        parser.fail(base + start, fmt::format("{}: {}", name, why));
      }
      auto& slot = name == "valid-after" ? entry.valid_after : entry.valid_before;
      if (slot) {
        parser.fail(base + start, fmt::format("more than one {}= option", name));
      }
      slot = *t;
    }
    if (i < opts.size()) {
      if (opts[i] != ',') {
        parser.fail(base + i, "expected ',' between options");
      }
      ++i;
      if (i >= opts.size()) {
        parser.fail(base + i - 1, "options end with ','");
      }
    }
  }
  if (entry.valid_after && entry.valid_before && *entry.valid_before <= *entry.valid_after) {
    parser.fail(base, "valid-before is not after valid-after");
  }
}

} // namespace

AllowedSigners AllowedSigners::parse(std::string_view text, const std::string& display_name,
                                     const LocalTimeToEpoch& local) {
  AllowedSigners out;
  int number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;

    LineParser p(line, display_name, number);
    p.skip_space();
    if (p.at_end() || line[p.pos()] == '#') {
      continue;
    }
    AllowedSigner entry;
    entry.line = number;
    const size_t principals_at = p.pos();
    entry.principals = p.principals();
    if (entry.principals.empty()) {
      p.fail(principals_at, "empty principals");
    }
    p.skip_space();
    if (p.at_end()) {
      p.fail(principals_at, "expected principals, then options (optional), then a public key");
    }
    // OpenSSH tries a key first and reads the field as options only when it is not one.
    size_t key_at = p.pos();
    {
      LineParser probe = p;
      if (!is_key_type(probe.word())) {
        const size_t opts_at = p.pos();
        const std::string_view opts = p.options();
        parse_options(opts, opts_at, entry, p, local);
        p.skip_space();
        if (p.at_end()) {
          p.fail(opts_at, "missing public key after the options");
        }
        key_at = p.pos();
      }
    }
    const std::string_view key_text = p.rest();
    LineParser key_words(key_text, display_name, number);
    entry.key_type = std::string(key_words.word());
    if (!is_key_type(entry.key_type)) {
      p.fail(key_at, fmt::format("unknown key type '{}'", entry.key_type));
    }
    if (entry.key_type == "ssh-ed25519") {
      try {
        entry.key = PublicKey::from_openssh(key_text);
      } catch (const InputError& e) {
        p.fail(key_at, e.diagnostics().empty() ? "invalid public key" : e.diagnostics()[0].message);
      }
    }
    out.m_entries.push_back(std::move(entry));
  }
  return out;
}

TrustVerdict AllowedSigners::check(const PublicKey& key, std::string_view principal,
                                   std::string_view ns, long long when) const {
  TrustVerdict best;
  // The most telling refusal is reported: a key listed only for other principals (1) < a
  // namespace the line does not permit (2) < a time outside the key's validity (3); among
  // equals, the first line. The message is formatted only when it is kept.
  int best_rank = 0;
  auto refuse = [&](int rank, const char* check, auto&& message) {
    if (rank > best_rank) {
      best_rank = rank;
      best.check = check;
      best.message = message();
    }
  };
  for (const AllowedSigner& e : m_entries) {
    if (!e.key || *e.key != key) {
      continue;
    }
    if (match_pattern_list(principal, e.principals) != 1) {
      refuse(1, "principal", [&] {
        return fmt::format("the trust list does not allow key {} for principal '{}' "
                           "(line {} lists it for '{}')",
                           key.fingerprint(), principal, e.line, e.principals);
      });
      continue;
    }
    if (e.namespaces && match_pattern_list(ns, *e.namespaces) != 1) {
      refuse(2, "namespace", [&] {
        return fmt::format("line {} does not permit namespace '{}' (namespaces=\"{}\")", e.line, ns,
                           *e.namespaces);
      });
      continue;
    }
    if (e.valid_after && when < *e.valid_after) {
      refuse(3, "validity", [&] {
        return fmt::format("the key was not yet valid at {} (line {}: valid-after={})",
                           format_openssh_time(when), e.line, format_openssh_time(*e.valid_after));
      });
      continue;
    }
    if (e.valid_before && when > *e.valid_before) {
      refuse(3, "validity", [&] {
        return fmt::format("the key had expired at {} (line {}: valid-before={})",
                           format_openssh_time(when), e.line, format_openssh_time(*e.valid_before));
      });
      continue;
    }
    TrustVerdict ok;
    ok.trusted = true;
    ok.line = e.line;
    return ok;
  }
  if (best_rank == 0) {
    best.check = "trust";
    best.message = fmt::format("key {} is not in the trust list", key.fingerprint());
  }
  return best;
}

} // namespace divert
