#!/bin/sh
# Completions in step with the command line (issue 12, item 9): for every command and
# subcommand that `divert ... --help` lists, the completion of SHELL (bash or zsh, from
# completions/) offers exactly the options that command's --help lists, and exactly its
# subcommands; nothing missing, nothing else. Everything is read from --help at test time.
#   sh tests/docs/completion_parity.sh DIVERT SOURCE_DIR bash|zsh
# bash: _divert is driven through COMP_WORDS in a real bash. zsh: the completion function runs
# in a real zsh with _arguments replaced by a recorder, and its specs are read back.
# Prints each failure, then "completion parity (SHELL): N passed, M failed"; exits 1 on failure.
if [ $# -ne 3 ]; then
  echo "usage: sh completion_parity.sh DIVERT SOURCE_DIR bash|zsh" >&2
  exit 64
fi
divert=$1
src=$2
shell=$3
. "$(dirname "$0")/../check_lib.sh"
# Completion asks `divert policy list --ids` for policy ids.
mkdir "$tmp/bin"
ln -s "$divert" "$tmp/bin/divert"
PATH=$tmp/bin:$PATH
export PATH

# help_section KIND < HELP: the options (KIND=options) or subcommands (KIND=commands) a --help
# text lists, one per line. A section starts at an unindented heading ("Options:",
# "Subcommands:") and ends at the next unindented line; entries are the lines indented by a
# few spaces (wrapped descriptions are indented further). An option entry is its names ("-p,
# --policy"), up to the first word that is not an option name (a metavariable, "Excludes:").
help_section() {
  awk -v kind="$1" '
    /^[^ \t]/ {
      h = tolower($0)
      sec = (h ~ /^options?:?$/) ? "options" : (h ~ /^(sub)?commands?:?$/) ? "commands" : ""
      next
    }
    # (no interval expressions: mawk lacks them)
    { indent = match($0, /[^ ]/) - 1 }
    sec == "options" && kind == "options" && indent >= 1 && indent <= 8 && /^ +-/ {
      for (i = 1; i <= NF; i++) {
        n = split($i, names, ",")
        ok = 0
        for (j = 1; j <= n; j++) {
          name = names[j]
          sub(/=.*/, "", name)
          if (name == "") continue
          if (name !~ /^--?[A-Za-z0-9][-A-Za-z0-9]*$/) { ok = -1; break }
          print name
          ok = 1
        }
        if (ok != 1) break
      }
    }
    sec == "commands" && kind == "commands" && indent >= 1 && indent <= 8 && /^ +[a-z]/ { print $1 }
  '
}

# What the completion offers for `divert WORDS... CUR`, one per line.
offered() {
  if [ "$shell" = bash ]; then
    (cd "$src" && bash --norc --noprofile -c '
      source "$1"
      shift
      compopt() { :; }
      COMP_WORDS=("$@")
      COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
      _divert divert "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
      ((${#COMPREPLY[@]})) && printf "%s\n" "${COMPREPLY[@]}"' \
      bash "$src/completions/divert.bash" divert "$@")
  else
    # The specs of the innermost _arguments call: "*::...->state" moves on to the next word,
    # as _arguments does, so that the completion descends to the command being completed.
    (cd "$src" && zsh -f -c '
      specs=()
      _arguments() {
        specs=("$@")
        local s
        for s in "$@"; do
          if [[ $s == "*::"*"->"* ]]; then
            state=${s##*->}
            words=("${(@)words[2,-1]}")
            (( CURRENT-- ))
          fi
        done
        return 0
      }
      _files() { :; }
      _alternative() { :; }
      _describe() { :; }
      compadd() { :; }
      words=(divert "${(@)argv[2,-1]}")
      CURRENT=${#words}
      source "$1"
      for s in "${specs[@]}"; do
        if [[ $s == 1:*"(("*"))" ]]; then
          # 1:message:((name\:"description" ...)): the names
          inner=${s#*\(\(}
          for w in ${(z)inner%\)\)}; do print -r -- ${w%%\\:*}; done
        elif [[ $s == 1:*"("*")" ]]; then
          inner=${s#*:*:\(}
          print -rl -- ${(z)inner%\)}
        elif [[ $s =~ "^(\\([^)]*\\))?\\*?(-{1,2}[A-Za-z0-9][-A-Za-z0-9]*)[=+]?-?\\[" ]]; then
          print -r -- $match[2]
        fi
      done' \
      zsh "$src/completions/_divert" "$@")
  fi
}

# check PATH...: the command `divert PATH...` (each word a command or subcommand).
check() {
  name="divert${*:+ $*}"
  if ! "$divert" "$@" --help > "$tmp/help" 2>&1; then
    fail "'$name --help' failed: $(cat "$tmp/help")"
    return
  fi
  help_section options < "$tmp/help" | sort -u > "$tmp/want-options"
  # Subcommands are checked after this command, so their list is kept under its own name.
  commands=$tmp/commands.$(echo "$*" | tr ' ' _)
  help_section commands < "$tmp/help" > "$commands"
  sort -u "$commands" > "$tmp/want-commands"
  [ -s "$tmp/want-options" ] || fail "'$name --help' lists no options (at least -h,--help)"

  if [ "$shell" = bash ]; then
    offered "$@" - | sort -u > "$tmp/got-options"
    offered "$@" "" | grep -v '^-' | sort -u > "$tmp/got-commands"
  else
    offered "$@" "" | sort -u > "$tmp/got"
    grep '^-' "$tmp/got" > "$tmp/got-options"
    grep -v '^-' "$tmp/got" > "$tmp/got-commands"
  fi
  compare "$name" options
  if [ -s "$tmp/want-commands" ]; then
    compare "$name" commands
    while read -r sub; do
      check "$@" "$sub"
    done < "$commands"
  fi
}

# compare NAME KIND: want-KIND and got-KIND are the same sets.
compare() {
  missing=$(comm -23 "$tmp/want-$2" "$tmp/got-$2" | tr '\n' ' ')
  extra=$(comm -13 "$tmp/want-$2" "$tmp/got-$2" | tr '\n' ' ')
  if [ -z "$missing" ] && [ -z "$extra" ]; then
    pass
  else
    [ -z "$missing" ] || fail "$shell completion of '$1' lacks $2 its --help lists: $missing"
    [ -z "$extra" ] || fail "$shell completion of '$1' offers $2 its --help does not list: $extra"
  fi
}

check
finish "completion parity ($shell)"
