#!/bin/sh
# Builds the optimized divert for /usr (scripts/build-release.sh), packages it with CPack
# (cpack -G DEB) and checks the package with lintian: exit 1 on any lintian error, warnings are
# printed. Prints the .deb.
#   sh scripts/package.sh [BUILD_DIR]     (default: build-package; JOBS=N, default 2)
# Needs cmake, ninja, g++, dpkg-dev (dpkg-shlibdeps) and lintian (scripts/install-deps.sh).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$src/build-package}
jobs=${JOBS:-2}
for program in cpack dpkg-deb dpkg-shlibdeps lintian; do
  command -v "$program" > /dev/null 2>&1 || { echo "package.sh: $program is not installed" >&2; exit 69; }
done
launcher=""
if command -v ccache > /dev/null 2>&1; then
  launcher=-DCMAKE_CXX_COMPILER_LAUNCHER=ccache
fi

CMAKE_BUILD_PARALLEL_LEVEL=$jobs sh "$src/scripts/build-release.sh" "$dir" \
  -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF $launcher
rm -f "$dir"/*.deb
(cd "$dir" && cpack -G DEB > cpack.log 2>&1) || { cat "$dir/cpack.log" >&2; exit 1; }
deb=$(ls "$dir"/*.deb)

# Errors fail the package; warnings and the rest are shown for whoever packages it.
status=0
lintian --fail-on error --display-info "$deb" > "$dir/lintian.log" 2>&1 || status=$?
cat "$dir/lintian.log"
if [ "$status" -ne 0 ]; then
  echo "package.sh: lintian found errors in $deb" >&2
  exit 1
fi
echo "package.sh: $deb (lintian: $(grep -c '^E:' "$dir/lintian.log") errors, $(grep -c '^W:' "$dir/lintian.log") warnings)"
