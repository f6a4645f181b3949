#!/bin/sh
# ctest: hooks source | e2e;slow
# End to end: keygen, non-interactive screenings, OpenSSH verification against an
# allowed_signers line, an independent JCS check, divert verify on good, tampered and gapped
# directories, and the key refusals (open permissions, wrong passphrase, no passphrase source).
. "$(dirname "$0")/records_lib.sh"
cd "$WORK"

printf 'Correct-Horse-9-Battery!\n' > pass

# keygen: fingerprint line, then a ready allowed_signers line; key 0600; config written.
if expect 0 "$DIVERT" keygen --officer B-4417 --agency WA0340000 --passphrase-file pass \
     --policy "$POLICY"; then
  cp "$WORK/out" keygen.out
  sed -n 1p keygen.out | grep -q '^SHA256:[A-Za-z0-9+/]\{43\} B-4417@WA0340000$' \
    && pass "keygen prints the fingerprint" || fail "keygen fingerprint line: $(sed -n 1p keygen.out)"
  sed -n 2p keygen.out > allowed_signers
  grep -q '^B-4417@WA0340000 namespaces="divert-referral-v1@WA0340000" ssh-ed25519 ' allowed_signers \
    && pass "keygen prints an allowed_signers line" || fail "allowed_signers line: $(cat allowed_signers)"
fi
KEY="$XDG_CONFIG_HOME/divert/keys/B-4417@WA0340000.key.pem"
[ "$(stat -c %a "$KEY")" = 600 ] && pass "key mode 0600" || fail "key mode $(stat -c %a "$KEY")"
grep -q 'ENCRYPTED PRIVATE KEY' "$KEY" && pass "key encrypted" || fail "key not encrypted"
if command -v openssl > /dev/null; then
  openssl asn1parse -in "$KEY" 2>/dev/null | grep -q ':0927C0' \
    && pass "PBKDF2 600000 iterations" || fail "iteration count"
else
  skip "openssl missing: iteration count not checked"
fi
[ -f "$XDG_CONFIG_HOME/divert/config.yaml" ] && pass "configuration written" || fail "no configuration"
FPR=$(sed -n 1p keygen.out | cut -d' ' -f1)
[ "$(ssh-keygen -lf "$XDG_CONFIG_HOME/divert/keys/B-4417@WA0340000.pub" | cut -d' ' -f2)" = "$FPR" ] \
  && pass "fingerprint matches ssh-keygen -l" || fail "fingerprint differs from ssh-keygen -l"
expect 73 "$DIVERT" keygen --officer B-4417 --agency WA0340000 --passphrase-file pass \
  && pass "keygen never overwrites (73)"

# Three screenings: eligible, ineligible, needs approval.
n=0
for case in king-eligible:0 king-ineligible:1 king-social:2; do
  n=$((n + 1))
  if expect "${case#*:}" "$DIVERT" screen --answers "$ANSWERS/${case%:*}.yaml" --passphrase-file pass --json; then
    eval "R$n=\$(record_path)"
    grep -q "\"seq\":$n}" "$WORK/out" && pass "screen ${case%:*}: seq $n" || fail "seq of screening $n"
  fi
done
RECORDS=$(dirname "$R1")
[ "$(stat -c %a "$RECORDS")" = 700 ] && pass "records directory 0700" || fail "records dir mode $(stat -c %a "$RECORDS")"
[ "$(stat -c %a "$R1")" = 600 ] && [ "$(stat -c %a "$R1.sshsig")" = 600 ] \
  && pass "record files 0600" || fail "record file modes"
[ "$(tail -c 1 "$R1" | od -An -c | tr -d ' ')" = "}" ] && pass "no trailing newline" || fail "record ends with a newline"

# OpenSSH verifies every record against the allowed_signers line.
for r in "$R1" "$R2" "$R3"; do
  at=$(sed 's/.*"created_at":"\([^"]*\)".*/\1/' "$r" | tr -d ':TZ-')Z
  if ssh-keygen -Y verify -f allowed_signers -I B-4417@WA0340000 -n divert-referral-v1@WA0340000 \
       -s "$r.sshsig" -Overify-time="$at" < "$r" > ssh.out 2>&1; then
    grep -q "$FPR" ssh.out && pass "ssh-keygen -Y verify $(basename "$r")" || fail "ssh-keygen output: $(cat ssh.out)"
  else
    fail "ssh-keygen -Y verify rejects $(basename "$r"): $(cat ssh.out)"
  fi
done

# An independent JCS implementation gives the same bytes (inside the record profile: sorted
# ASCII keys, no floats beyond the shortest form).
if command -v python3 > /dev/null; then
  for r in "$R1" "$R2" "$R3"; do
    python3 - "$r" <<'PY' && pass "python JCS equals $(basename "$r")" || fail "python JCS differs for $r"
import json, sys
raw = open(sys.argv[1], 'rb').read()
def no_dupes(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), "duplicate key"
    return dict(pairs)
obj = json.loads(raw, object_pairs_hook=no_dupes)
out = json.dumps(obj, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
sys.exit(0 if out == raw else 1)
PY
  done
else
  skip "python3 missing: no independent JCS check"
fi

# divert verify: good, then tampered (one byte), then gapped.
expect 0 "$DIVERT" verify "$RECORDS" --trust allowed_signers --policies "$POLICIES" \
  && pass "divert verify accepts the records"
expect 0 "$DIVERT" records list && grep -q '3 records' "$WORK/err" && pass "records list counts 3"

cp -r "$RECORDS" tampered
T2=tampered/$(basename "$R2")
sed 's/"B-4417"/"B-4418"/' "$R2" | tr -d '\n' > "$T2"
cmp -s "$R2" "$T2" && fail "tampering changed nothing"
at=$(sed 's/.*"created_at":"\([^"]*\)".*/\1/' "$R2" | tr -d ':TZ-')Z
if ssh-keygen -Y verify -f allowed_signers -I B-4417@WA0340000 -n divert-referral-v1@WA0340000 \
     -s "$T2.sshsig" -Overify-time="$at" < "$T2" > /dev/null 2>&1; then
  fail "ssh-keygen accepts a tampered record"
else
  pass "ssh-keygen rejects the tampered record"
fi
expect 1 "$DIVERT" verify tampered --trust allowed_signers && grep -q 'signature: signature does not match' "$WORK/out" \
  && pass "divert verify names the tampered record"

cp -r "$RECORDS" gapped
rm "gapped/$(basename "$R2")" "gapped/$(basename "$R2").sshsig"
expect 1 "$DIVERT" verify gapped --trust allowed_signers && grep -q 'chain_gap' "$WORK/out" \
  && pass "divert verify reports the deleted record"

# Key refusals: nothing is written in any of them.
before=$(entries "$RECORDS")
chmod 644 "$KEY"
expect 77 "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" --passphrase-file pass \
  && grep -q 'too open' "$WORK/err" && pass "world-readable key refused (77)"
chmod 600 "$KEY"
printf 'not the passphrase\n' > wrong
expect 77 "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" --passphrase-file wrong \
  && grep -q 'wrong passphrase' "$WORK/err" && pass "wrong passphrase refused (77)"
expect 77 "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" --no-input \
  && pass "encrypted key without --passphrase-file refused (77)"
exec 3< pass
expect 0 "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" --passphrase-file /dev/fd/3 \
  && pass "--passphrase-file /dev/fd/N"
exec 3<&-
[ "$(entries "$RECORDS" | wc -l)" -eq $(( $(echo "$before" | wc -l) + 2 )) ] \
  && pass "only the successful screening wrote files" || fail "unexpected files: $(entries "$RECORDS")"
expect 3 "$DIVERT" screen --set pathway=arrest_diversion --passphrase-file pass \
  && [ "$(entries "$RECORDS" | wc -l)" -eq $(( $(echo "$before" | wc -l) + 2 )) ] \
  && pass "incomplete writes nothing (3)"

finish
