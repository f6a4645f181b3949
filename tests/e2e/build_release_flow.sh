#!/bin/sh
# ctest: source | e2e
# scripts/build-release.sh's stages and its ways out, in a second: a stand-in cmake and g++ on
# PATH (the real build takes minutes; the package test, package/deb, runs it for real). The
# stand-in cmake writes a cache naming the stand-in compiler and DIVERT_PGO, and its build makes
# a stand-in divert whose batch output says whether it was built with -DDIVERT_PGO=use; the
# stand-in compiler "compiles" the corpus generator into a script that prints N lines.
# Checked: a good run ends configured for `use` with divert in place and no training folder;
# an optimized divert that decides differently fails the script, is removed, and the folder is
# set back to a plain Release; so is a crashing instrumented divert; DIVERT_PGO=off and a
# compiler that is not GCC make one plain Release. The builder's CMake arguments reach every
# configure, the one on the way out too.
# Usage: build_release_flow.sh SOURCE_DIR
. "$(dirname "$0")/../check_lib.sh"
src=${1:?usage: $0 SOURCE_DIR}
case $src in /*) ;; *) src=$(pwd)/$src ;; esac
fake=$tmp/bin
mkdir "$fake"

cat > "$fake/cmake" << 'EOF'
#!/bin/sh
echo "cmake $*" >> "$FAKE_LOG"
if [ "$1" = --build ]; then
  dir=$2
  mode=$(sed -n 's/^DIVERT_PGO:STRING=//p' "$dir/CMakeCache.txt")
  {
    echo '#!/bin/sh'
    echo '[ "$1" = batch ] || exit 0'
    echo "mode=$mode"
    echo '[ "$mode" = generate ] && [ -n "${FAKE_CRASH:-}" ] && exit 139'
    echo 'if [ "$mode" = use ] && [ -n "${FAKE_DIFFER:-}" ]; then echo other; else echo same; fi'
  } > "$dir/divert"
  chmod +x "$dir/divert"
  if [ "$mode" = generate ]; then : > "$dir/stale.gcda"; fi
  exit 0
fi
dir=""
mode=""
while [ $# -gt 0 ]; do
  case $1 in
    -B) dir=$2; shift ;;
    -DDIVERT_PGO=*) mode=${1#-DDIVERT_PGO=} ;;
  esac
  shift
done
mkdir -p "$dir"
printf 'CMAKE_CXX_COMPILER:FILEPATH=%s\nDIVERT_PGO:STRING=%s\n' "$FAKE_CXX" "$mode" \
  > "$dir/CMakeCache.txt"
EOF
cat > "$fake/g++" << 'EOF'
#!/bin/sh
if [ "$1" = --version ]; then
  echo "g++ (stand-in) 12.2.0"
  [ -n "${FAKE_NOT_GCC:-}" ] || echo "This is free software; see the source. Free Software Foundation"
  exit 0
fi
out=""
while [ $# -gt 0 ]; do
  [ "$1" = -o ] && out=$2
  shift
done
printf '#!/bin/sh\nyes "{}" | head -n "$1"\n' > "$out"
chmod +x "$out"
EOF
chmod +x "$fake/cmake" "$fake/g++"

# build NAME [VAR=VALUE...]: runs the script into $tmp/NAME with -DBUILD_TESTING=OFF; its
# status in $status, its output in $tmp/NAME.out and .err, cmake's calls in $tmp/NAME.log.
build() {
  name=$1
  shift
  status=0
  env PATH="$fake:$PATH" FAKE_LOG="$tmp/$name.log" FAKE_CXX="$fake/g++" "$@" \
    sh "$src/scripts/build-release.sh" "$tmp/$name" -DBUILD_TESTING=OFF \
    > "$tmp/$name.out" 2> "$tmp/$name.err" || status=$?
}
mode_of() { sed -n 's/^DIVERT_PGO:STRING=//p' "$tmp/$1/CMakeCache.txt"; }
# expect NAME STATUS MODE DIVERT(yes|no) [TEXT]: after the run, TEXT in its output.
expect() {
  if [ "$status" -ne "$2" ]; then
    fail "$1: exit $status, not $2: $(cat "$tmp/$1.err")"
  elif [ "$(mode_of "$1")" != "$3" ]; then
    fail "$1: left configured with DIVERT_PGO='$(mode_of "$1")', not '$3'"
  elif [ "$4" = yes ] && [ ! -x "$tmp/$1/divert" ]; then
    fail "$1: no divert left"
  elif [ "$4" = no ] && [ -e "$tmp/$1/divert" ]; then
    fail "$1: a divert was left"
  elif [ -e "$tmp/$1/pgo-training" ]; then
    fail "$1: the training folder was left"
  elif [ -n "${5:-}" ] && ! grep -q "$5" "$tmp/$1.out" "$tmp/$1.err"; then
    fail "$1: no '$5' in its output"
  elif grep '^cmake -S' "$tmp/$1.log" | grep -qv -- '-DBUILD_TESTING=OFF'; then
    fail "$1: a configure without the builder's arguments"
  else
    pass
  fi
}

build good
expect good 0 use yes "decides the 20000 training cases as the instrumented one did"
if [ -n "$(find "$tmp/good" -name '*.gcda')" ]; then
  fail "good: the instrumented build's stale .gcda files were not removed before training"
else
  pass
fi

build differs FAKE_DIFFER=1
expect differs 1 "" no "decides differently on wa-whatcom than the instrumented one; it is removed"

build crashes FAKE_CRASH=1
expect crashes 1 "" no "instrumented divert failed on wa-whatcom (exit 139)"

build plain DIVERT_PGO=off
expect plain 0 "" yes "a plain Release"
if [ "$(grep -c '^cmake' "$tmp/plain.log")" -ne 2 ]; then
  fail "plain: $(grep -c '^cmake' "$tmp/plain.log") cmake calls, not one configure and one build"
else
  pass
fi

build clang FAKE_NOT_GCC=1
expect clang 0 "" yes "a plain Release"

finish build_release_flow
