#!/bin/sh
# Signed policies on the laptop (issue 10 item 14): `policy sign` writes FILE.sshsig; with
# `policy_trust` in the configuration, decide, batch and screen use a policy only when every
# layer (the vocabulary included) carries a good signature by a key the trust list allows for
# the program -- an edited byte, a missing signature, an untrusted key or another namespace is
# refused (77, naming the layer), also when the parsed-policy cache holds the edited tree --
# and the record names each layer's signing key; `verify --policies` checks that key. Without
# policy_trust nothing changes. (ssh-keygen's verdict on these signatures: records_interop.sh.)
. "$(dirname "$0")/records_lib.sh"
cd "$WORK"
export XDG_CACHE_HOME="$WORK/cache"

PROGRAM=TEST-LEAD
FPR=SHA256:Cv9j2ywIHLWZIXcZPp3iCf57zlPGhl39DTGCjpi72tw # T-0001's test key, here the program's
cp "$KEYS/T-0001@TEST000.key.pem" program.key.pem
cp "$KEYS/untrusted.key.pem" other.key.pem
chmod 600 program.key.pem other.key.pem
mkdir pol
cp "$POLICIES/lead-vocabulary.yaml" "$POLICIES/wa-state.yaml" "$POLICIES/wa-king-county-2011.yaml" pol/
TOP=pol/wa-king-county-2011.yaml
CASE=$ANSWERS/king-eligible.yaml

decide() { expect "$1" "$DIVERT" decide --policy "$TOP" --answers "$CASE"; }
sign() { "$DIVERT" policy sign "$@" > sign.out 2> sign.err || fail "policy sign $*: $(cat sign.err)"; }
# refused WHAT LAYER: decide, batch and screen all refuse with 77 naming LAYER; no record.
refused() {
  decide 77 && grep -q "policy layer pol/$2 refused" err && pass "$1: decide refused (77, names $2)" \
    || fail "$1: decide: $(cat err)"
  expect 77 "$DIVERT" batch --policy "$TOP" "$SRC/examples/cases.jsonl" && grep -q "pol/$2" err \
    && pass "$1: batch refused (77)"
  expect 77 "$DIVERT" screen --no-input --answers "$CASE" && grep -q "pol/$2" err \
    && pass "$1: screen refused (77)"
  [ -z "$(entries records)" ] && pass "$1: no record written" || fail "$1: wrote $(entries records)"
}

# 1. Signing: every layer, the .sshsig public (0644); a file that is not a policy is not signed.
sign pol/*.yaml --key program.key.pem --program "$PROGRAM"
for f in pol/*.yaml; do
  [ "$(stat -c %a "$f.sshsig" 2>&1)" = 644 ] && pass "signed $f (0644)" || fail "no $f.sshsig 0644"
done
tail -1 sign.out > policy-signers
grep -q "^$PROGRAM namespaces=\"divert-policy-v1@$PROGRAM\" ssh-ed25519 " policy-signers \
  && pass "sign prints the trust-list line" || fail "trust line: $(cat sign.out)"
printf 'format: 1\nid: broken\n' > broken.yaml
expect 65 "$DIVERT" policy sign broken.yaml --key program.key.pem --program "$PROGRAM" \
  && [ ! -e broken.yaml.sshsig ] && pass "a file that does not load as a policy is not signed (65)"
expect 64 "$DIVERT" policy sign "$TOP" --key program.key.pem && pass "no program id: usage error (64)"

# 2. Without policy_trust nothing changes: an unsigned edited copy still decides.
mkdir plain
cp pol/*.yaml plain/
decide 0 && pass "no configuration: decides as before"
use_test_key "$WORK/records"
decide 0 && pass "a configuration without policy_trust: decides as before"
rm -rf records

# 3. With policy_trust: the signed policy decides, and the record names each layer's key.
cat >> "$XDG_CONFIG_HOME/divert/config.yaml" <<CONFIG
program: $PROGRAM
policy_trust: $WORK/policy-signers
CONFIG
decide 0 && pass "signed policy accepted"
expect 0 "$DIVERT" decide --policy "$TOP" --answers "$CASE" --json \
  && grep -q "\"file\":\"pol/wa-state.yaml\",\"signed_by\":\"$FPR\"" out \
  && [ "$(grep -o "\"signed_by\":\"$FPR\"" out | wc -l)" = 3 ] \
  && pass "decide --json names each layer's file and signing key" || fail "decide --json: $(cat out)"
# (the examples hold one line with a typo on purpose: 65 after deciding the others)
expect 65 "$DIVERT" batch --policy "$TOP" "$SRC/examples/cases.jsonl" \
  && [ "$(grep -c '"outcome"' out)" = 4 ] && pass "batch accepts it"
expect 0 "$DIVERT" screen --no-input --answers "$CASE" --policy "$TOP" --json \
  && pass "screen accepts it"
R=$(record_path)
[ "$(grep -o "\"signed_by\":\"$FPR\"" "$R" | wc -l)" = 3 ] \
  && pass "the record names the signing key of each of the 3 layers" || fail "signed_by: $(cat "$R")"
expect 0 "$DIVERT" verify records --trust "$KEYS/allowed_signers" --policies pol \
  && pass "verify --policies: the layers' signatures check out"
mv records signed-records
sed -i "s|^policy: .*|policy: $WORK/$TOP|" "$XDG_CONFIG_HOME/divert/config.yaml"

# 4. One byte of a layer changed after signing -- also with its tree in the parsed-policy
#    cache (decided once without the trust list, so the cache holds the edited policy).
cp pol/wa-state.yaml wa-state.good
sed -i 's/^title: /title:  /' pol/wa-state.yaml
cmp -s pol/wa-state.yaml wa-state.good && fail "no byte changed"
XDG_CONFIG_HOME="$WORK/none" "$DIVERT" decide --policy "$TOP" --answers "$CASE" > /dev/null 2>&1 || true
refused "an edited layer" wa-state.yaml
grep -q "does not match the policy file" err && pass "the message says the file changed" \
  || fail "message: $(cat err)"
cp wa-state.good pol/wa-state.yaml

# 5. A layer without a signature (here the vocabulary).
mv pol/lead-vocabulary.yaml.sshsig vocabulary.sshsig
refused "an unsigned vocabulary" lead-vocabulary.yaml
grep -q "not signed" err && pass "the message says it is not signed" || fail "message: $(cat err)"
mv vocabulary.sshsig pol/lead-vocabulary.yaml.sshsig
decide 0 && pass "signed again: accepted"

# 6. Signed by a key the trust list does not hold.
cp pol/wa-state.yaml.sshsig wa-state.sshsig
sign pol/wa-state.yaml --key other.key.pem --program "$PROGRAM"
refused "a key not trusted" wa-state.yaml
grep -q "not trusted for program '$PROGRAM'" err && pass "the message names the untrusted key" \
  || fail "message: $(cat err)"

# 7. Verify --policies: the record says the program's key signed wa-state; it is now signed by
#    another key (a policy re-signed by someone else), so the record no longer matches it.
expect 1 "$DIVERT" verify signed-records --trust "$KEYS/allowed_signers" --policies pol \
  && grep -q "policy_signature: policy wa-state [^:]*: pol/wa-state.yaml.sshsig: signed by SHA256:" out \
  && pass "verify --policies detects a policy re-signed by another key" || fail "verify: $(cat out)"
cp wa-state.sshsig pol/wa-state.yaml.sshsig

# 8. The trusted key, but another program's namespace.
sign pol/wa-state.yaml --key program.key.pem --program OTHER-LEAD
refused "another namespace" wa-state.yaml
grep -q "signed in namespace 'divert-policy-v1@OTHER-LEAD', expected 'divert-policy-v1@$PROGRAM'" err \
  && pass "the message names both namespaces" || fail "message: $(cat err)"
cp wa-state.sshsig pol/wa-state.yaml.sshsig

# 9. --json errors name the layer too; a trust list that is missing is a trust problem.
expect 77 "$DIVERT" decide --policy plain/wa-king-county-2011.yaml --answers "$CASE" --json \
  && grep -q '"error".*policy layer plain/wa-king-county-2011.yaml refused' out \
  && pass "--json: the error names the layer"
sed -i "s|^policy_trust: .*|policy_trust: $WORK/missing|" "$XDG_CONFIG_HOME/divert/config.yaml"
decide 77 && grep -q "missing" err && pass "a missing trust list: 77"

finish
