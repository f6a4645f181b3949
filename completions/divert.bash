# bash completion for divert(1): commands, options, option values and policy ids.
# Installed as share/bash-completion/completions/divert; or source it from ~/.bashrc.
# Policy ids come from `divert policy list --ids`, so they follow $DIVERT_POLICY_PATH.

_divert_policy_ids() {
  local ids
  ids=$(divert policy list --ids 2>/dev/null)
  COMPREPLY+=($(compgen -W "$ids" -- "$cur"))
}

_divert_files() { # "$@": globs of file names to offer besides directories (no extglob needed)
  local IFS=$'\n' glob
  COMPREPLY+=($(compgen -d -- "$cur"))
  for glob in "$@"; do
    COMPREPLY+=($(compgen -f -X "!$glob" -- "$cur"))
  done
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
    _divert_policy_ids
    _divert_files '*.yaml' '*.yml'
    return
    ;;
  --answers) _divert_files '*.yaml' '*.yml' '*.json'; COMPREPLY+=($(compgen -W "-" -- "$cur")); return ;;
  --cases) _divert_files '*.jsonl' '*.json'; COMPREPLY+=($(compgen -W "-" -- "$cur")); return ;;
  --format | -f) COMPREPLY=($(compgen -W "text markdown dot json" -- "$cur")); return ;;
  --tests | --out | --records | --policies) COMPREPLY=($(compgen -d -- "$cur")); return ;;
  --key | --passphrase-file | --trust | --import) _divert_files '*'; return ;;
  --today | --min-coverage | --set | --officer | --agency | --from | --program) return ;;
  esac

  if [[ -z $cmd ]]; then
    COMPREPLY=($(compgen -W "screen decide batch verify keygen records policy --help --version" -- "$cur"))
    return
  fi

  local opts=""
  case $cmd in
  screen) opts="--policy --answers --set --key --passphrase-file --records --no-input --resume --discard --demo --json --help" ;;
  decide) opts="--policy --answers --set --json --help" ;;
  batch) opts="--policy --jobs --help" ;;
  verify) opts="--trust --policies --from --json --help" ;;
  keygen) opts="--officer --agency --out --no-passphrase --passphrase-file --import --help" ;;
  records)
    if [[ -z $sub ]]; then
      COMPREPLY=($(compgen -W "list export" -- "$cur"))
      return
    fi
    opts="--csv --help"
    ;;
  policy)
    if [[ -z $sub ]]; then
      COMPREPLY=($(compgen -W "lint test diff show sign schema list --help" -- "$cur"))
      return
    fi
    case $sub in
    lint) opts="--json --today --list-checks --help" ;;
    test) opts="--tests --coverage --min-coverage --update --help" ;;
    diff) opts="--cases --json --help" ;;
    show) opts="--format --help" ;;
    sign) opts="--key --passphrase-file --program --help" ;;
    schema) opts="--help" ;;
    list) opts="--ids --help" ;;
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
  "verify " | "records list" | "records export") _divert_files '*.json' ;;
  esac
}

complete -o filenames -F _divert divert
