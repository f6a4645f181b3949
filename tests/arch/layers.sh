#!/bin/sh
# The core's layers (ARCHITECTURE.md): a file may include its own layer and the layers below it,
# never one above, and the core never includes the front-end (cli/).
#   sh tests/arch/layers.sh SOURCE_DIR
set -eu
src=${1:?usage: layers.sh SOURCE_DIR}/src
allowed() {
  case $1 in
    base) echo "base" ;;
    policy) echo "base policy" ;;
    decision) echo "base policy decision" ;;
    record) echo "base policy decision record" ;;
    authoring) echo "base policy decision authoring" ;;
    *) return 1 ;;
  esac
}
status=0
for dir in "$src"/core/*/; do
  layer=$(basename "$dir")
  ok=$(allowed "$layer") || { echo "layers: src/core/$layer is not a known layer (add it to ARCHITECTURE.md and this check)"; status=1; continue; }
  for file in "$dir"*; do
    grep -n '#include "' "$file" | while IFS= read -r line; do
      target=$(printf '%s\n' "$line" | sed -n 's|.*#include "\([^"]*\)".*|\1|p')
      case $target in
        core/*/*) used=$(printf '%s\n' "$target" | cut -d/ -f2) ;;
        *) used="(not core)" ;;
      esac
      case " $ok " in
        *" $used "*) ;;
        *) echo "layers: ${file#"$src"/}:${line%%:*}: $layer may not include $target"; echo x ;;
      esac
    done
  done
done > "${TMPDIR:-/tmp}/divert-layers.$$"
if grep -q '^layers:' "${TMPDIR:-/tmp}/divert-layers.$$"; then
  grep '^layers:' "${TMPDIR:-/tmp}/divert-layers.$$"
  status=1
fi
rm -f "${TMPDIR:-/tmp}/divert-layers.$$"
[ "$status" -eq 0 ] && echo "layers: every include in src/core goes down or across"
exit "$status"
