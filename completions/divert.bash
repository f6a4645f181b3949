# bash completion for divert(1): commands, options, option values and policy ids.
# Installed as share/bash-completion/completions/divert; or source it from ~/.bashrc.
# Policy ids come from `divert policy list --ids`, so they follow $DIVERT_POLICY_PATH; where a
# case is decided (--policy) only policies that can decide one are offered, not abstract layers.
# tests/docs/completion_parity.sh checks the options against every command's --help.

_divert_policy_ids() { # "$@": extra options of `divert policy list`
  local ids
  ids=$(divert policy list --ids "$@" 2>/dev/null)
  COMPREPLY+=($(compgen -W "$ids" -- "$cur"))
}

# Files are the only completions bash should treat as file names (quoting, a / after a
# directory); `complete -o filenames` would also turn the word `schema` into `schema/` where a
# directory of that name exists.
_divert_files() { # "$@": globs of file names to offer besides directories (no extglob needed)
  local IFS=$'\n' glob
  compopt -o filenames 2>/dev/null
  COMPREPLY+=($(compgen -d -- "$cur"))
  for glob in "$@"; do
    COMPREPLY+=($(compgen -f -X "!$glob" -- "$cur"))
  done
}

_divert_dirs() {
  local IFS=$'\n'
  compopt -o filenames 2>/dev/null
  COMPREPLY+=($(compgen -d -- "$cur"))
}

_divert() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local prev=""
  ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()

  # The command and, for policy and records, the subcommand: the first words that are not
  # options (no option before them takes a value).
  local cmd="" sub="" i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    [[ $w == -* ]] && continue
    if [[ -z $cmd ]]; then
      cmd=$w
    elif [[ -z $sub && ($cmd == policy || $cmd == records) ]]; then
      sub=$w
      break
    fi
  done

  # Values of options.
  case $prev in
  --policy | -p)
    _divert_policy_ids --decidable
    _divert_files '*.yaml' '*.yml'
    return
    ;;
  --answers | -a) _divert_files '*.yaml' '*.yml' '*.json'; COMPREPLY+=($(compgen -W "-" -- "$cur")); return ;;
  --cases) _divert_files '*.jsonl' '*.json'; COMPREPLY+=($(compgen -W "-" -- "$cur")); return ;;
  --format | -f) COMPREPLY=($(compgen -W "text markdown dot json" -- "$cur")); return ;;
  --tests | --out | --records | --policies) _divert_dirs; return ;;
  --key | --passphrase-file | --trust | --import) _divert_files '*'; return ;;
  --today | --min-coverage | --set | --officer | --agency | --agency-name | --from | --jobs | -j | \
    --decline | --exception | --supersedes | --program) return ;;
  esac

  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "screen decide batch records verify keygen policy -h --help --version" -- "$cur"))
    return
  fi

  local opts=""
  case $cmd in
  screen)
    opts="-h --help -p --policy -a --answers --set --key --passphrase-file --records --officer
      --no-input --resume --discard --demo --json --decline --exception --supersedes"
    ;;
  decide) opts="-h --help -p --policy -a --answers --set --json" ;;
  batch) opts="-h --help -p --policy -j --jobs" ;;
  verify) opts="-h --help --trust --policies --from --json" ;;
  keygen)
    opts="-h --help --officer --agency --agency-name --out --no-passphrase --passphrase-file --import
      --records --policy"
    ;;
  records)
    case $sub in
    "") COMPREPLY=($(compgen -W "list show export -h --help" -- "$cur")); return ;;
    list) opts="-h --help --records --officer --csv --json" ;;
    show) opts="-h --help --records --officer --json" ;;
    export) opts="-h --help --records --officer --csv" ;;
    esac
    ;;
  policy)
    case $sub in
    "") COMPREPLY=($(compgen -W "lint test diff show sign schema list -h --help" -- "$cur")); return ;;
    lint) opts="-h --help --json --today --list-checks" ;;
    test) opts="-h --help --tests --coverage --min-coverage --update" ;;
    diff) opts="-h --help --cases --json" ;;
    show) opts="-h --help -f --format" ;;
    sign) opts="-h --help --key --passphrase-file --program" ;;
    schema) opts="-h --help" ;;
    list) opts="-h --help --ids --decidable" ;;
    esac
    ;;
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  # Operands.
  case "$cmd $sub" in
  "policy lint" | "policy test" | "policy diff" | "policy show" | "policy sign")
    _divert_policy_ids
    _divert_files '*.yaml' '*.yml'
    ;;
  "batch ") _divert_files '*.jsonl' '*.json' ;;
  "verify ") _divert_files '*.json' ;;
  "records list" | "records export") _divert_dirs ;;
  esac
}

complete -F _divert divert
