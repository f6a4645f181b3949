#!/bin/sh
# ctest: hooks source | e2e
# A record is signed by its officer's key (issue 10 item 13): `screen --key` with another
# officer's key is refused at signing time (77, naming both fingerprints) and writes nothing,
# whether the configuration names the officer's fingerprint (key_fpr, written by keygen) or
# keygen's .pub lies beside the configured key; a --key the configuration gives no way to check
# is refused too. The configured key itself, or the same key named by --key, still signs.
. "$(dirname "$0")/records_lib.sh"
cd "$WORK"

OTHER=$WORK/other.key.pem # the TEST-ONLY key of T-0001, as another officer's key
cp "$KEYS/T-0001@TEST000.key.pem" "$OTHER"
chmod 600 "$OTHER"
# Empty without ssh-keygen: then only the officer's fingerprint is checked in messages.
OTHER_FPR=$(ssh-keygen -lf "$KEYS/T-0001@TEST000.pub" 2> /dev/null | cut -d' ' -f2) || true


no_records() { # what
  [ -z "$(entries records)" ] && pass "$1: nothing written" || fail "$1: wrote $(entries records)"
}
refused() { # what expected-fingerprint-of-the-officer
  expect 77 "$DIVERT" screen --no-input --answers "$ANSWERS/king-eligible.yaml" --records records \
    --key "$OTHER" && pass "$1: another officer's key refused (77)"
  grep -q "is not officer .*'s key ($2, from" err && grep -q "$OTHER_FPR" err \
    && pass "$1: the message names both fingerprints" || fail "$1: message: $(cat err)"
  no_records "$1"
}

# 1. keygen writes the officer's fingerprint into the configuration.
expect 0 "$DIVERT" keygen --officer B-4417 --agency WA0340000 --no-passphrase --policy "$POLICY"
FPR=$(sed -n 1p out | cut -d' ' -f1)
grep -q "^key_fpr: \"$FPR\"$" "$XDG_CONFIG_HOME/divert/config.yaml" \
  && pass "keygen writes key_fpr into the configuration" || fail "no key_fpr: $(cat "$XDG_CONFIG_HOME/divert/config.yaml")"
refused "key_fpr in the configuration" "$FPR"
expect 0 "$DIVERT" screen --no-input --answers "$ANSWERS/king-eligible.yaml" --records own \
  && pass "the officer's own key signs"
expect 0 "$DIVERT" screen --no-input --answers "$ANSWERS/king-eligible.yaml" --records own \
  --key "$XDG_CONFIG_HOME/divert/keys/B-4417@WA0340000.key.pem" \
  && pass "--key naming the officer's own key signs"

# 2. The configured key file replaced by another key: refused too.
KEY=$XDG_CONFIG_HOME/divert/keys/B-4417@WA0340000.key.pem
cp "$KEY" own.key.pem
cp "$OTHER" "$KEY"
expect 77 "$DIVERT" screen --no-input --answers "$ANSWERS/king-eligible.yaml" --records records \
  && grep -q "is not officer B-4417@WA0340000's key ($FPR" err \
  && pass "a replaced configured key is refused (77)"
no_records "replaced key"
cp own.key.pem "$KEY"

# 3. No key_fpr (a configuration written by hand): keygen's .pub beside the configured key.
sed -i '/^key_fpr:/d' "$XDG_CONFIG_HOME/divert/config.yaml"
refused "the .pub beside the configured key" "$FPR"

# 4. No key_fpr and no .pub: --key cannot be checked, so it is refused; the configured key signs.
rm "$XDG_CONFIG_HOME/divert/keys/B-4417@WA0340000.pub"
expect 77 "$DIVERT" screen --no-input --answers "$ANSWERS/king-eligible.yaml" --records records \
  --key "$OTHER" && grep -q "cannot tell whether .* is officer B-4417@WA0340000's key" err \
  && pass "an uncheckable --key is refused (77)"
no_records "uncheckable --key"
expect 0 "$DIVERT" screen --no-input --answers "$ANSWERS/king-eligible.yaml" --records own \
  && pass "without key_fpr, the configured key still signs"

finish
