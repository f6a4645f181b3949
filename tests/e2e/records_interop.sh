#!/bin/sh
# OpenSSH interop in both directions, and the plain-OpenSSL recipe of divert-record(5):
# - our .sshsig is byte-identical to `ssh-keygen -Y sign` for the same key and bytes;
# - `ssh-keygen -Y verify` accepts our records and rejects tampered ones;
# - `divert verify` accepts signatures made by `ssh-keygen -Y sign` (sha512 and sha256);
# - `ssh-keygen -Y verify` accepts signed policies (`divert policy sign`);
# - both verifiers give the same verdict on odd encodings (padding bits, whitespace, NUL bytes,
#   quoted principals, local times);
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

# 3b. Signed policies (divert policy sign): ssh-keygen -Y verify accepts them under the
#     program's principal and namespace, and they are byte-identical to ssh-keygen -Y sign.
PNS=divert-policy-v1@TEST-LEAD
mkdir signed-policies
cp "$POLICIES"/*.yaml signed-policies/
cd signed-policies
mv wa-king-county-2011.yaml policy.yaml
"$DIVERT" policy sign policy.yaml --key "$WORK/key/test.key.pem" --program TEST-LEAD > sign.out \
  2>&1 || fail "policy sign: $(cat sign.out)"
tail -1 sign.out > policy-signers
ssh-keygen -Y verify -f policy-signers -I TEST-LEAD -n "$PNS" -s policy.yaml.sshsig < policy.yaml \
  > /dev/null 2>&1 && pass "ssh-keygen -Y verify accepts our policy signature" \
  || fail "ssh-keygen rejects our policy signature"
ssh-keygen -q -Y sign -f "$WORK/id" -n "$PNS" < policy.yaml > policy-by-ssh.sshsig
cmp -s policy-by-ssh.sshsig policy.yaml.sshsig && pass "policy SSHSIG byte-identical to ssh-keygen's" \
  || fail "our policy SSHSIG differs from ssh-keygen's"
ssh-keygen -Y verify -f policy-signers -I TEST-LEAD -n divert-policy-v1@OTHER -s policy.yaml.sshsig \
  < policy.yaml > /dev/null 2>&1 && fail "ssh-keygen accepts another program's namespace" \
  || pass "ssh-keygen rejects another program's namespace, as divert does"
printf ' ' >> policy.yaml
ssh-keygen -Y verify -f policy-signers -I TEST-LEAD -n "$PNS" -s policy.yaml.sshsig < policy.yaml \
  > /dev/null 2>&1 && fail "ssh-keygen accepts an edited policy" \
  || pass "ssh-keygen rejects an edited policy"
cd "$WORK"

# 4. The same verdict as ssh-keygen -Y verify on odd but possible encodings: padding bits,
#    whitespace in the armor, NUL bytes, signature version 0, quoted principals, local times and
#    times that roll over. Each case runs both verifiers and requires OpenSSH's verdict of both.
REC="$SRC/tests/data/records/good/REF-01M8BVM4G00000008TBN3YPANH.json"
SIG="$REC.sshsig"
KEY=$(sed -n 's/.* \(ssh-ed25519 .*\)/\1/p' "$TRUST")
# same NAME WANT TRUST SIGFILE: ssh-keygen and divert both say WANT (good or bad).
same() {
  mkdir -p "odd/$2-$1"
  cp "$REC" "odd/$2-$1/"
  cp "$4" "odd/$2-$1/$(basename "$REC").sshsig"
  ssh=bad ours=bad
  ssh-keygen -Y verify -f "$3" -I "$WHO" -n "$NS" -s "$4" -Overify-time=20261126120000Z \
    < "$REC" > /dev/null 2>&1 && ssh=good
  "$DIVERT" verify "odd/$2-$1" --trust "$3" > "odd/$2-$1.out" 2>&1 && ours=good
  if [ "$ssh" = "$2" ] && [ "$ours" = "$2" ]; then
    pass "$1: ssh-keygen and divert both say $2"
  else
    fail "$1: ssh-keygen says $ssh, divert says $ours (expected $2): $(cat "odd/$2-$1.out")"
  fi
}
# trust NAME OPTIONS-AND-PRINCIPALS: a one-line trust list for the test key.
trust() { printf '%s %s\n' "$2" "$KEY" > "odd-$1.as"; }
mkdir odd
same "the fixture signature" good "$TRUST" "$SIG"
grep -q 'DA==$' "$SIG" || fail "the fixture signature no longer ends in DA=="
sed 's/DA==$/DB==/' "$SIG" > odd/pad-bits.sig
same "base64 padding bits not zero" bad "$TRUST" odd/pad-bits.sig
sed '2s/^\(.\{10\}\)/\1\v/; 3s/$/\f/; 5s/==$/==\v/' "$SIG" > odd/vt-ff.sig
same "vertical tab and form feed in the armor" good "$TRUST" odd/vt-ff.sig
sed '$d' "$SIG" > odd/nul-end.sig
printf '\0\n-----END SSH SIGNATURE-----\n' >> odd/nul-end.sig
sed -i '5{N;s/\n\x00/\x00/}' odd/nul-end.sig
same "a NUL ending the armored base64" good "$TRUST" odd/nul-end.sig
trust quoted "\"$WHO\""
same "a quoted principal" good odd-quoted.as "$SIG"
trust quoted-part "T-0001@\"TEST000\""
same "a principal quoted in part" good odd-quoted-part.as "$SIG"
trust quoted-options "\"$WHO\"namespaces=\"$NS\""
same "options right after a quoted principal" good odd-quoted-options.as "$SIG"
trust quoted-space "\"$WHO\" namespaces=\"other\""
same "a quoted principal, another namespace" bad odd-quoted-space.as "$SIG"
trust rollover "$WHO valid-after=\"20260231Z\",valid-before=\"20261126115961Z\""
same "February 31 and second 61 roll over" good odd-rollover.as "$SIG"
trust second-62 "$WHO valid-before=\"20261126115962Z\""
same "second 62 is no time" bad odd-second-62.as "$SIG"
# A time without Z is the verifier's local time (POSIX TZ strings: no tzdata needed).
trust local "$WHO valid-after=\"20261126120000\""
TZ=UTC0 same "a local time in UTC" good odd-local.as "$SIG"
TZ=EST5 same "a local time five hours behind UTC" bad odd-local.as "$SIG"
TZ=JST-9 same "a local time nine hours ahead of UTC" good odd-local.as "$SIG"
if command -v python3 > /dev/null; then
  # The signature blob rebuilt with one field changed (none of them is signed).
  blob() { python3 - "$SIG" "$1" > "odd/$1.sig" <<'PY'
import base64, struct, sys
lines = open(sys.argv[1]).read().split("\n")
blob = base64.b64decode("".join(lines[1:-2]))
def field(at):
    n = struct.unpack(">I", blob[at:at + 4])[0]
    return blob[at + 4:at + 4 + n], at + 4 + n
key, at = field(10); ns, at = field(at); reserved, at = field(at); alg, at = field(at); sig, at = field(at)
version = blob[6:10]
case = sys.argv[2]
if case == "version-0": version = struct.pack(">I", 0)
if case == "version-2": version = struct.pack(">I", 2)
if case == "ns-nul-end": ns += b"\0"
if case == "ns-nul-inside": ns = ns[:3] + b"\0" + ns[3:]
if case == "alg-nul-end": alg += b"\0"
if case == "reserved": reserved = b"anything"
s = lambda x: struct.pack(">I", len(x)) + x
b64 = base64.b64encode(blob[:6] + version + s(key) + s(ns) + s(reserved) + s(alg) + s(sig)).decode()
print("-----BEGIN SSH SIGNATURE-----")
for i in range(0, len(b64), 70): print(b64[i:i + 70])
print("-----END SSH SIGNATURE-----")
PY
  }
  for c in version-0:good version-2:bad ns-nul-end:good ns-nul-inside:bad alg-nul-end:good \
    reserved:good; do
    blob "${c%:*}"
    same "signature blob ${c%:*}" "${c#*:}" "$TRUST" "odd/${c%:*}.sig"
  done
else
  skip "python3 missing: the rebuilt signature blobs are not checked"
fi

# 5. OpenSSL only: rebuild the signed blob of PROTOCOL.sshsig and check the raw signature.
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
