#!/bin/sh
# ctest: divert source | e2e
# The parsed-policy cache ($XDG_CACHE_HOME/divert/trees) never decides instead of the policy
# file: an edited, copied or planted cache entry is not used (each entry carries an HMAC under
# a private per-user key), so the decision is always the one the file's text gives -- the
# text whose sha256 goes into the record.
. "$(dirname "$0")/records_lib.sh"
cd "$WORK"
export XDG_CACHE_HOME="$WORK/cache"
TREES="$XDG_CACHE_HOME/divert/trees"

# King County 2011 excludes possession of more than 3 grams: 4 grams is ineligible (exit 1).
decide() { expect "$1" "$DIVERT" decide --policy "$POLICY" --answers "$ANSWERS/king-eligible.yaml" --set drug_grams=4; }
decide 1 && pass "4 grams: ineligible (cache filled)"
[ -n "$(ls "$TREES"/*.tree 2>/dev/null)" ] && pass "cache entries written" || fail "no cache entries in $TREES"
[ "$(stat -c %a "$XDG_CACHE_HOME/divert/trees.key")" = 600 ] && pass "cache key 0600" \
  || fail "cache key mode $(stat -c %a "$XDG_CACHE_HOME/divert/trees.key" 2>&1)"

# Change one byte in the middle of each cached tree (same length), then cut each in half: the
# damaged entries are not used (the decision is the file's) and are written afresh. Entries are
# deterministic under one key, so "afresh" means byte-identical to the saved ones.
mkdir -p "$WORK/saved"
cp "$TREES"/*.tree "$WORK/saved/"
same_as_saved() {
  for saved in "$WORK/saved"/*.tree; do
    cmp -s "$saved" "$TREES/$(basename "$saved")" || return 1
  done
}
for tree in "$TREES"/*.tree; do
  perl -0777 -pi -e 'my $i = int(length($_) / 2); substr($_, $i, 1) = chr(ord(substr($_, $i, 1)) ^ 1)' "$tree"
done
for saved in "$WORK/saved"/*.tree; do
  cmp -s "$saved" "$TREES/$(basename "$saved")" && fail "not edited: $(basename "$saved")"
done
decide 1 && pass "an edited cache entry is not used: still ineligible"
same_as_saved && pass "the edited entries were replaced" || fail "an edited entry was kept"
for tree in "$TREES"/*.tree; do
  head -c $(($(stat -c %s "$tree") / 2)) "$tree" > "$WORK/half" && cat "$WORK/half" > "$tree"
done
decide 1 && pass "a truncated cache entry is not used: still ineligible"
same_as_saved && pass "the truncated entries were replaced" || fail "a truncated entry was kept"
expect 1 env DIVERT_NO_CACHE=1 "$DIVERT" decide --policy "$POLICY" --answers "$ANSWERS/king-eligible.yaml" --set drug_grams=4 \
  && pass "DIVERT_NO_CACHE=1: the same decision"

# An entry copied in from someone else's cache (another key) is not used either.
mkdir -p "$WORK/other"
XDG_CACHE_HOME="$WORK/other" "$DIVERT" decide --policy "$POLICY" --answers "$ANSWERS/king-eligible.yaml" > /dev/null || true
for tree in "$WORK/other/divert/trees"/*.tree; do
  cp "$tree" "$TREES/"
done
cmp -s "$WORK/other/divert/trees/$(ls "$WORK/saved" | head -1)" "$WORK/saved/$(ls "$WORK/saved" | head -1)" \
  && fail "the other cache's entry is the same as ours"
decide 1 && pass "an entry made under another key is not used"
same_as_saved && pass "the other key's entries were replaced" || fail "another key's entry was kept"

# A key others can read authenticates nothing: the cache is not used, decisions are unchanged.
chmod 644 "$XDG_CACHE_HOME/divert/trees.key"
for tree in "$TREES"/*.tree; do perl -pi -e 's/drug_grams > 3/drug_grams > 9/g' "$tree"; done
decide 1 && pass "a key others can read: no cache, still ineligible"

finish
