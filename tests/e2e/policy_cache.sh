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

# Raise the limit inside the cached tree only (same length, so the entry still decodes).
edited=0
for tree in "$TREES"/*.tree; do
  if grep -q 'drug_grams > 3' "$tree"; then
    perl -pi -e 's/drug_grams > 3/drug_grams > 9/g' "$tree"
    edited=1
  fi
done
[ "$edited" = 1 ] && pass "cached tree edited" || fail "no cached tree holds the condition"
decide 1 && pass "an edited cache entry is not used: still ineligible"
grep -q 'drug_grams > 9' "$TREES"/*.tree && fail "the edited entry was kept" || pass "the edited entry was replaced"

# An entry copied in from someone else's cache (another key) is not used either.
mkdir -p "$WORK/other"
XDG_CACHE_HOME="$WORK/other" "$DIVERT" decide --policy "$POLICY" --answers "$ANSWERS/king-eligible.yaml" > /dev/null || true
for tree in "$WORK/other/divert/trees"/*.tree; do
  perl -pi -e 's/drug_grams > 3/drug_grams > 9/g' "$tree"
  cp "$tree" "$TREES/"
done
decide 1 && pass "an entry made under another key is not used"

# A key others can read authenticates nothing: the cache is not used, decisions are unchanged.
chmod 644 "$XDG_CACHE_HOME/divert/trees.key"
for tree in "$TREES"/*.tree; do perl -pi -e 's/drug_grams > 3/drug_grams > 9/g' "$tree"; done
decide 1 && pass "a key others can read: no cache, still ineligible"

finish
