#!/bin/sh
# bash completion as typed at a real interactive bash on a terminal (tmux), where readline
# itself acts on the completion's options: in the source tree, which has a schema/ directory,
# `divert policy sch<TAB>` gives the subcommand `schema`, not `schema/` (complete -o filenames
# would); file names still complete as files (`examples/`); `--policy` offers only the policies
# that can decide a case, not the abstract layers (issue 12, item 9).
#   sh tests/e2e/completion_tty.sh DIVERT SOURCE_DIR      (exit 77: skipped without tmux)
divert=${1:?usage: $0 DIVERT SOURCE_DIR}
src=${2:?usage: $0 DIVERT SOURCE_DIR}
case $divert in /*) ;; *) divert=$(pwd)/$divert ;; esac
case $src in /*) ;; *) src=$(pwd)/$src ;; esac
for tool in tmux bash; do
  command -v $tool > /dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done

. "$(dirname "$0")/../check_lib.sh"
work=$tmp
socket=$work/tmux.sock
trap 'tmux -S "$socket" kill-server 2> /dev/null; rm -rf "$work"' EXIT INT TERM
mkdir "$work/bin"
ln -s "$divert" "$work/bin/divert"
cat > "$work/rc" << RC
PS1='\$ '
PATH='$work/bin':\$PATH
unset DIVERT_POLICY_PATH
bind 'set bell-style none'
bind 'set show-all-if-ambiguous on'
source '$src/completions/divert.bash'
cd '$src'
RC

# type_in NAME TEXT TABS: a fresh interactive bash (ambiguous completions listed at once),
# TEXT typed, then TABS tab presses, each waited for until the screen changes (10 s at most);
# the screen is left in $work/NAME.
type_in() {
  tmux -S "$socket" new-session -d -s "$1" -x 100 -y 20 \
    "env -u DIVERT_POLICY_PATH HOME='$work' bash --noprofile --rcfile '$work/rc' -i"
  i=0
  until tmux -S "$socket" capture-pane -p -t "$1" | grep -q '^\$ *$'; do
    i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1
  done
  tmux -S "$socket" send-keys -t "$1" -l "$2"
  sleep 0.3
  tabs=$3
  while [ "$tabs" -gt 0 ]; do
    tmux -S "$socket" capture-pane -p -t "$1" > "$work/$1.before"
    tmux -S "$socket" send-keys -t "$1" Tab
    i=0
    while tmux -S "$socket" capture-pane -p -t "$1" | cmp -s - "$work/$1.before"; do
      i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1
    done
    tabs=$((tabs - 1))
  done
  sleep 0.3
  tmux -S "$socket" capture-pane -p -t "$1" | sed 's/ *$//' | grep -v '^$' > "$work/$1"
}

type_in schema 'divert policy sch' 1
if grep -qx '\$ divert policy schema' "$work/schema"; then
  pass
else
  fail "divert policy sch<TAB> in the source tree: $(cat "$work/schema")"
fi

type_in files 'divert batch exam' 1
if grep -qx '\$ divert batch examples/' "$work/files"; then
  pass
else
  fail "divert batch exam<TAB> should complete the directory examples/: $(cat "$work/files")"
fi

type_in policies 'divert decide --policy wa-' 1
for id in wa-whatcom wa-burien wa-king-county-2011; do
  grep -q "$id" "$work/policies" && pass || fail "--policy wa-<TAB> does not offer $id: $(cat "$work/policies")"
done
grep -q 'wa-state' "$work/policies" \
  && fail "--policy wa-<TAB> offers the abstract layer wa-state: $(cat "$work/policies")" || pass

type_in show 'divert policy show wa-s' 1
grep -qx '\$ divert policy show wa-state' "$work/show" && pass \
  || fail "policy show (abstract layers too) wa-s<TAB>: $(cat "$work/show")"

finish "completion on a terminal"
