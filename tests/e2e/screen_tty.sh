# ctest: hooks source | e2e;slow
# The officer's walk-through on a real terminal, driven through tmux as an officer would type:
# a partly pre-filled screening at 80x24 with help, an invalid answer, b and r to change
# answers, a wrong then right passphrase, sign; the record checked with OpenSSH, the hand-off
# card showing the record id. Then, at 60x20, Ctrl-C in the middle of a second screening (exit
# 130, no record, a private draft) and the resume prompt to finish it; a decline on a policy
# where no rule reads the incident date (Enter = today; no hand-off card, exit 4). Output must
# fit the terminal's width, show no internal question or value ids, and NO_COLOR must leave no
# escape codes.
#   sh tests/e2e/screen_tty.sh DIVERT_BINARY SOURCE_DIR      (exit 77: skipped)
set -eu
DIVERT=${1:?usage: $0 DIVERT_BINARY SOURCE_DIR}
SRC=${2:?usage: $0 DIVERT_BINARY SOURCE_DIR}
case $DIVERT in /*) ;; *) DIVERT=$(pwd)/$DIVERT ;; esac
case $SRC in /*) ;; *) SRC=$(pwd)/$SRC ;; esac

for tool in tmux ssh-keygen; do
  command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/divert-tty.XXXXXX")
SOCKET="$WORK/tmux.sock"
cleanup() {
  tmux -S "$SOCKET" kill-server 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
[ -n "${KEEP_WORK:-}" ] && trap - EXIT
export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/config" XDG_STATE_HOME="$WORK/home/state" \
       XDG_DATA_HOME="$WORK/home/data"
unset DIVERT_FIXED_TIME DIVERT_POLICY_PATH
mkdir -p "$HOME"
FAILED=0
fail() { echo "FAIL: $*"; FAILED=1; }
ok() { echo "ok: $*"; }

printf 'correct horse\n' > "$WORK/pass"
"$DIVERT" keygen --officer B-4417 --agency WA0370000 --passphrase-file "$WORK/pass" \
  --out "$WORK/keys" > "$WORK/keygen.out" 2>&1 < /dev/null || { cat "$WORK/keygen.out"; exit 1; }
grep '^B-4417@WA0370000 ' "$WORK/keygen.out" | head -1 > "$WORK/allowed_signers"
[ -s "$WORK/allowed_signers" ] || { echo "no allowed_signers line in keygen output"; cat "$WORK/keygen.out"; exit 1; }
RECORDS=$(sed -n 's/^records: *//p' "$XDG_CONFIG_HOME/divert/config.yaml" | tr -d '"')

# start NAME COLSxROWS ENV... -- ARGS: runs divert in a new tmux session of that size, raw
# output logged.
start() {
  name=$1
  cols=${2%x*} rows=${2#*x}
  shift 2
  envs=""
  while [ "$1" != "--" ]; do envs="$envs $1"; shift; done
  shift
  cmd="cd '$SRC' && env$envs '$DIVERT' $*; echo \"EXIT=\$?\" > '$WORK/$name.exit'; sleep 600"
  tmux -S "$SOCKET" new-session -d -s "$name" -x "$cols" -y "$rows" "$cmd"
  tmux -S "$SOCKET" pipe-pane -t "$name" -o "cat >> '$WORK/$name.log'"
}
screen_text() { tmux -S "$SOCKET" capture-pane -p -t "$1" -S -200; }
# wait_for NAME TEXT: until TEXT shows, even where it is wrapped over two lines (30 s at most:
# sanitizer builds on a loaded machine).
wait_for() {
  i=0
  while ! screen_text "$1" | tr '\n' ' ' | tr -s ' ' | grep -qF -- "$2"; do
    i=$((i + 1))
    if [ $i -gt 300 ]; then
      fail "timed out waiting for '$2' in $1"
      screen_text "$1" | tail -15
      return 1
    fi
    sleep 0.1
  done
}
type_line() { tmux -S "$SOCKET" send-keys -t "$1" -l -- "$2"; tmux -S "$SOCKET" send-keys -t "$1" Enter; }
wait_exit() {
  i=0
  while [ ! -s "$WORK/$1.exit" ]; do
    i=$((i + 1)); [ $i -gt 300 ] && { fail "$1 did not exit"; return 1; }
    sleep 0.1
  done
  sed 's/EXIT=//' "$WORK/$1.exit"
}
count_records() { ls "$RECORDS" 2>/dev/null | grep -c '\.json$' || true; }
# fits NAME COLS: no line of the raw output is wider than the terminal.
fits() {
  wide=$(tr -d '\r' < "$WORK/$1.log" | awk -v w="$2" 'length($0) > w' | wc -l)
  [ "$wide" -eq 0 ] && ok "$1: no line wider than $2 columns" || fail "$1: $wide lines wider than $2 columns"
}
# no_ids NAME: the officer never sees a question or value id.
no_ids() {
  found=$(grep -oE 'in_area|incident_date|date_of_birth|drug_grams|probable_cause|arrest_diversion|drug_possession|outstanding_warrant|weapon_involved|case_number' "$WORK/$1.log" | sort -u | tr '\n' ' ')
  [ -z "$found" ] && ok "$1: no internal ids shown" || fail "$1: internal ids shown: $found"
}

# --- 1. A full screening, pre-filled in part, with help, invalid input, back and review.
start one 80x24 NO_COLOR=1 -- screen --policy wa-whatcom --set pathway=arrest_diversion --set incident_date=2024-03-02
wait_for one "Question 1 of at most" && wait_for one "service area"
type_line one "?"; wait_for one "Why this is asked" && ok "? shows why the question is asked"
type_line one "maybe"; wait_for one "Not accepted: type y for yes or n for no" && ok "invalid input is re-asked"
type_line one y              # in_area
wait_for one "probable cause"; type_line one y
wait_for one "otherwise book"; type_line one 1             # drug_possession
wait_for one "intent to deliver"; type_line one n
wait_for one "exploit minors"; type_line one n
wait_for one "promoting prostitution"; type_line one n
wait_for one "domestic-violence"; type_line one n
wait_for one "weapon"; type_line one y            # weapon: would make it ineligible ...
wait_for one "The outcome is now known: INELIGIBLE"
wait_for one "Incident or case report number"
type_line one b                                   # ... so go back and change it
wait_for one "Now: yes (Enter keeps it)"; type_line one n
wait_for one "date of birth"; type_line one 1990-01-01
wait_for one "Conviction 1:"; type_line one ""
wait_for one "outstanding warrant"; type_line one 1
wait_for one "amenable"; type_line one y
wait_for one "agree to meet a case manager"; type_line one y
wait_for one "take a new participant"; type_line one 1
wait_for one "Incident or case report number"; type_line one r
wait_for one "Answers so far:"; type_line one 3    # the third answer listed: in_area
wait_for one "inside the program's service area"; type_line one y
wait_for one "Incident or case report number"; type_line one "BPD-24-0302"
wait_for one "Short narrative"; type_line one ""
wait_for one "ELIGIBLE: the person may be referred" && ok "decision screen after b and r"
type_line one sign
wait_for one "assphrase"; type_line one "wrong horse"
wait_for one "Wrong passphrase; try again." && ok "a wrong passphrase can be retried"
wait_for one "assphrase"; type_line one "correct horse"
wait_for one "Referred." && wait_for one "HAND-OFF"
rc=$(wait_exit one)
id=$(sed -n 's/^.*Record id: \([0-9A-Z]\{26\}\).*$/\1/p' "$WORK/one.log" | tr -d '\r' | head -1)
screen_text one | sed -n '/HAND-OFF/,/^+--/p' | grep -q "| Record id: $id" \
  && ok "the hand-off card shows the record id" || fail "no record id on the hand-off card"
[ "$rc" = 0 ] && ok "first screening signed, exit 0" || fail "first screening exit $rc"

record=$(ls "$RECORDS"/REF-*.json 2>/dev/null | head -1)
if [ -n "$record" ]; then
  created=$(sed -n 's/.*"created_at":"\([0-9-]*\)T\([0-9:]*\)Z".*/\1\2/p' "$record" | tr -d ':-')
  if ssh-keygen -Y verify -f "$WORK/allowed_signers" -I B-4417@WA0370000 \
       -n divert-referral-v1@WA0370000 -s "$record.sshsig" -Overify-time="${created}Z" \
       < "$record" > /dev/null 2>&1; then
    ok "ssh-keygen -Y verify accepts the record"
  else
    fail "ssh-keygen -Y verify rejected $record"
  fi
  grep -q '"weapon_involved":{"source":"typed","value":false}' "$record" \
    && ok "the changed answer is the one recorded" || fail "weapon_involved not recorded as changed"
else
  fail "no record written"
fi
if grep -q "$(printf '\033')\[" "$WORK/one.log"; then fail "NO_COLOR output has escape codes"; else ok "NO_COLOR: no escape codes"; fi
fits one 80
no_ids one

# --- 2. Ctrl-C in the middle: exit 130, no record, a private draft; --resume completes it.
before=$(count_records)
start two 60x20 -- screen --policy wa-whatcom --set pathway=arrest_diversion --set incident_date=2024-03-03
wait_for two "service area"; type_line two y
wait_for two "probable cause"; type_line two y
# The offense question itself: "offense" alone also shows in the probable-cause question, and
# Ctrl-C, unlike typed lines, does not wait its turn.
wait_for two "otherwise book"
tmux -S "$SOCKET" send-keys -t two C-c
rc=$(wait_exit two)
[ "$rc" = 130 ] && ok "Ctrl-C exits 130" || fail "Ctrl-C exit $rc"
[ "$(count_records)" = "$before" ] && ok "Ctrl-C leaves no record" || fail "a record appeared after Ctrl-C"
draft="$XDG_STATE_HOME/divert/drafts/screen.json"
if [ -f "$draft" ] && [ "$(stat -c %a "$draft")" = 600 ]; then ok "draft kept, mode 600"; else fail "no private draft"; fi
if grep -q "$(printf '\033')\[" "$WORK/two.log"; then ok "colour without NO_COLOR"; else fail "no colour on a terminal"; fi

start three 60x20 -- screen
wait_for three "with 2 answers is kept. Resume it?" && ok "the resume prompt names policy, start and answers"
screen_text three | grep -q "wa-whatcom, started" || fail "the resume prompt does not name the policy"
type_line three y
wait_for three "Resuming: 2 answer(s) kept."
wait_for three "otherwise book"; type_line three 1
for q in "intent to deliver" "exploit minors" "promoting prostitution" "domestic-violence" weapon; do
  wait_for three "$q"; type_line three n
done
wait_for three "date of birth"; type_line three 1985-05-05
wait_for three "Conviction 1:"; type_line three ""
wait_for three "outstanding warrant"; type_line three 1
wait_for three "amenable"; type_line three y
wait_for three "agree to meet"; type_line three n
wait_for three "INELIGIBLE"
wait_for three "Incident or case report number"; type_line three ""
wait_for three "Short narrative"; type_line three ""
wait_for three "Type sign"; type_line three sign
wait_for three "assphrase"; type_line three "correct horse"
rc=$(wait_exit three)
[ "$rc" = 1 ] && ok "resumed screening signed, exit 1 (ineligible)" || fail "resumed screening exit $rc"
[ "$(count_records)" = $((before + 1)) ] && ok "resume wrote one record" || fail "resume did not write one record"
[ ! -f "$draft" ] && ok "draft removed after signing" || fail "draft left after signing"
fits two 60
fits three 60
no_ids three

# --- 3. A decline at 60x20 on a policy where no rule reads the incident date: the date is
# still asked (Enter = today), the screen says Declined with the record id, no hand-off card.
before=$(count_records)
start four 60x20 NO_COLOR=1 -- screen --policy ca-lead-pilot
wait_for four "How did this referral come about"; type_line four arrest
wait_for four "Enter for today"; type_line four ""
wait_for four "Today: "
answer_until_decision() {
  i=0
  while ! screen_text four | grep -qF "Type sign"; do
    i=$((i + 1)); [ $i -gt 40 ] && { fail "four: no decision screen"; screen_text four | tail -12; return 1; }
    last=$(screen_text four | grep -v '^$' | tail -1)
    case $last in
      *"y = yes"*) case $(screen_text four | grep -v '^$' | tail -3) in
                     *victim*|*minors*|*prostitution*|*delivery*|*warrant*|*weapon*|*informant*) type_line four n ;;
                     *) type_line four y ;;
                   esac ;;
      *"Conviction 1"*) type_line four "" ;;
      *"a number from the list"*) type_line four 1 ;;
      *"a number in g"*) type_line four "1 gram" ;;
      *"number"*) type_line four 0 ;;
      *"YYYY-MM-DD"*) type_line four 1980-01-01 ;;
      *"free text"*) type_line four "" ;;
      *) sleep 0.2; continue ;;
    esac
    sleep 0.4
  done
}
answer_until_decision
type_line four decline
wait_for four "Why will you not refer"; type_line four "In treatment elsewhere"
wait_for four "assphrase"; type_line four "correct horse"
rc=$(wait_exit four)
[ "$rc" = 4 ] && ok "a decline exits 4" || fail "decline exit $rc"
after=$(screen_text four | sed -n '/Declined: not referred/,$p')
echo "$after" | grep -q "Declined: not referred" && ok "the screen says Declined" || fail "no Declined"
echo "$after" | grep -q "Record id: [0-9A-Z]\{26\}" && ok "decline shows the record id" || fail "decline without record id"
echo "$after" | grep -q "HAND-OFF\|Intake by" && fail "a decline shows the hand-off card" || ok "no hand-off card after a decline"
[ "$(count_records)" = $((before + 1)) ] && ok "the decline wrote one record" || fail "the decline wrote no record"
newest=$(ls -t "$RECORDS"/REF-*.json | head -1)
grep -q '"incident_date":{"source":"typed","value":"' "$newest" \
  && ok "the record has the incident date" || fail "no incident_date in $newest"
grep -q '"intake_deadline":"' "$newest" && ok "the record has the intake deadline" || fail "no intake deadline in $newest"
fits four 60
no_ids four

if [ "$FAILED" -ne 0 ]; then
  echo "screen tty: FAILED"
  exit 1
fi
echo "screen tty: all passed"
