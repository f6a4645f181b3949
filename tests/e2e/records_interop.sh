#!/bin/sh
# OpenSSH interop in both directions, and the plain-OpenSSL recipe of divert-record(5):
# - our .sshsig is byte-identical to `ssh-keygen -Y sign` for the same key and bytes;
# - `ssh-keygen -Y verify` accepts our records and rejects tampered ones;
# - `divert verify` accepts signatures made by `ssh-keygen -Y sign` (sha512 and sha256);
# - `openssl pkeyutl -verify -rawin` accepts the rebuilt SSHSIG blob, rejects a changed byte.
. "$(dirname "$0")/records_lib.sh"
cd "$WORK"

if ! command -v ssh-keygen > /dev/null; then
  echo "SKIP: ssh-keygen is not installed (apt-get install openssh-client)"
  exit 77
fi

use_test_key "$WORK/records"
cp "$KEYS/T-0001@TEST000.openssh" id
chmod 600 id
TRUST="$KEYS/allowed_signers"
NS=divert-referral-v1@TEST000
WHO=T-0001@TEST000

expect 0 "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" --json
R=$(record_path)
expect 1 "$DIVERT" screen --answers "$ANSWERS/king-ineligible.yaml" --json
R2=$(record_path)
AT=$(sed 's/.*"created_at":"\([^"]*\)".*/\1/' "$R" | tr -d ':TZ-')Z

# 1. Byte-identical to ssh-keygen -Y sign.
ssh-keygen -q -Y sign -f id -n "$NS" < "$R" > ours-by-ssh.sshsig
cmp -s ours-by-ssh.sshsig "$R.sshsig" && pass "SSHSIG byte-identical to ssh-keygen -Y sign" \
  || fail "our SSHSIG differs from ssh-keygen's"

# 2. ssh-keygen verifies ours; rejects a changed byte, a wrong namespace, a wrong principal,
#    and a verify time outside the key's validity.
ssh-keygen -Y verify -f "$TRUST" -I "$WHO" -n "$NS" -s "$R.sshsig" -Overify-time="$AT" < "$R" \
  > /dev/null 2>&1 && pass "ssh-keygen -Y verify accepts our record" || fail "ssh-keygen rejects our record"
sed 's/"refer"/"refeR"/' "$R" | tr -d '\n' > changed.json
cmp -s changed.json "$R" && fail "no byte changed"
ssh-keygen -Y verify -f "$TRUST" -I "$WHO" -n "$NS" -s "$R.sshsig" -Overify-time="$AT" < changed.json \
  > /dev/null 2>&1 && fail "ssh-keygen accepts a changed byte" || pass "ssh-keygen rejects a changed byte"
ssh-keygen -Y verify -f "$TRUST" -I "$WHO" -n divert-referral-v1@OTHER -s "$R.sshsig" \
  -Overify-time="$AT" < "$R" > /dev/null 2>&1 && fail "ssh-keygen accepts another namespace" \
  || pass "ssh-keygen rejects another namespace"
ssh-keygen -Y verify -f "$KEYS/allowed_signers.expired" -I "$WHO" -n "$NS" -s "$R.sshsig" \
  -Overify-time=20261126120000Z < "$R" > /dev/null 2>&1 && fail "ssh-keygen accepts an expired key" \
  || pass "ssh-keygen rejects an expired key, as divert verify does"
ssh-keygen -Y verify -f "$KEYS/allowed_signers.patterns" -I "$WHO" -n "$NS" -s "$R.sshsig" \
  -Overify-time="$AT" < "$R" > /dev/null 2>&1 && pass "ssh-keygen agrees on principal patterns" \
  || fail "ssh-keygen rejects the pattern trust list that divert accepts"

# 3. divert verify accepts signatures made by ssh-keygen (sha512 default, and sha256).
mkdir theirs
cp "$R" "$R2" theirs/
ssh-keygen -q -Y sign -f id -n "$NS" < "$R" > "theirs/$(basename "$R").sshsig"
ssh-keygen -q -Y sign -f id -n "$NS" -O hashalg=sha256 < "$R2" > "theirs/$(basename "$R2").sshsig"
expect 0 "$DIVERT" verify theirs --trust "$TRUST" && pass "divert verify accepts ssh-keygen signatures"
cp changed.json "theirs/$(basename "$R")"
expect 1 "$DIVERT" verify "theirs/$(basename "$R")" --trust "$TRUST" \
  && pass "divert verify rejects a changed byte under an ssh-keygen signature"

# 4. OpenSSL only: rebuild the signed blob of PROTOCOL.sshsig and check the raw signature.
u32() { printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))"; }
openssl_check() { # record sigfile
  { printf SSHSIG; u32 ${#NS}; printf %s "$NS"; u32 0; u32 6; printf sha512; u32 64
    openssl dgst -sha512 -binary "$1"; } > tbs
  sed '1d;$d' "$2" | base64 -d | tail -c 64 > sig.raw
  openssl pkeyutl -verify -rawin -pubin -inkey "$KEYS/T-0001@TEST000.pub.pem" -in tbs \
    -sigfile sig.raw > /dev/null 2>&1
}
if ! command -v openssl > /dev/null; then
  skip "openssl missing: the plain-OpenSSL recipe is not checked"
  finish
fi
openssl_check "$R" "$R.sshsig" && pass "openssl pkeyutl verifies the rebuilt SSHSIG blob" \
  || fail "openssl recipe rejects a good record"
openssl_check changed.json "$R.sshsig" && fail "openssl recipe accepts a changed byte" \
  || pass "openssl recipe rejects a changed byte"

finish
