#!/bin/sh
# Every command of README.md and policies_lua/README.md runs as written (TAP).
# The ```sh code blocks are cut into commands (a line ending in a backslash
# continues), and each one runs with `sh -c`, from the top of a scratch copy
# of the checkout (tracked and untracked, not ignored, files; the built
# binaries), so databases start empty and nothing here changes. A command
# fails the test on a non-zero exit status. The worked examples' policies
# (```lua blocks whose first line is "-- NAME — ...": aged_hpf, and reserved
# on two units) are saved as NAME.lua first, as the README tells the reader.
#
# The README's own `make test` runs the whole suite once more in the copy;
# there this script sees SCHEDLAB_README_NESTED=1 and skips, so it does not
# recurse. Slow commands (the full PREMA sweep, make demo) run in full.
set -u
: "${SCHEDLAB:?set SCHEDLAB to the binary}"
if [ -n "${SCHEDLAB_README_NESTED:-}" ]; then
  echo "1..0 # SKIP already inside the README's make test"
  exit 0
fi
root=$(cd "$(dirname "$0")/.." && pwd)
# The READMEs name bin/schedlab; under `make asan` the binary being tested is
# another one, and the commands would prove nothing about it.
if [ "$SCHEDLAB" != "$root/bin/schedlab" ]; then
  echo "1..0 # SKIP the README's commands use bin/schedlab, not $SCHEDLAB"
  exit 0
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
copy="$scratch/schedlab"
mkdir -p "$copy"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$root" && git ls-files -z -co --exclude-standard |
    tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -C "$copy" -xpf -
else
  tar -C "$root" --exclude=./bin --exclude=./build --exclude=./results -cf - . | tar -C "$copy" -xpf -
  mkdir -p "$copy/results"
fi
# The built tree, with its times, so `make` in the copy has nothing to do.
# Outside git the version is "unknown": say so in the copy's version header,
# keeping its time, or every object would be rebuilt.
[ -d "$root/bin" ] && cp -a "$root/bin" "$copy/"
if [ -d "$root/build/release" ]; then
  mkdir -p "$copy/build"
  cp -a "$root/build/release" "$copy/build/"
  h="$copy/build/release/gen/version.h"
  if [ -f "$h" ]; then
    printf '#define SL_VERSION "unknown"\n' >"$h.new"
    touch -r "$h" "$h.new"
    mv "$h.new" "$h"
  fi
fi
export SCHEDLAB_README_NESTED=1

# Commands, one per line of $scratch/cmds as FILE:LINE<TAB>COMMAND.
for doc in README.md policies_lua/README.md; do
  awk -v doc="$doc" '
    /^```sh[ \t]*$/ { inside = 1; cmd = ""; next }
    /^```/ { inside = 0; next }
    inside {
      line = $0
      if (cmd == "") start = NR
      if (line ~ /\\$/) { sub(/\\$/, "", line); cmd = cmd line; next }
      cmd = cmd line
      if (cmd ~ /^[ \t]*(#.*)?$/) { cmd = ""; next }
      printf "%s:%d\t%s\n", doc, start, cmd
      cmd = ""
    }' "$root/$doc"
  # Worked example files: ```lua blocks that name themselves.
  awk -v dir="$copy" '
    /^```lua[ \t]*$/ { inside = 1; file = ""; next }
    /^```/ { inside = 0; next }
    inside && file == "" && match($0, /^-- [A-Za-z0-9_]+ \xe2\x80\x94 /) {
      split($0, w, " "); file = dir "/" w[2] ".lua"
    }
    inside && file != "" { print > file }' "$root/$doc"
done >"$scratch/cmds"

n=0
failed=0
while IFS="$(printf '\t')" read -r where cmd; do
  n=$((n + 1))
  if (cd "$copy" && sh -c "$cmd") >"$scratch/out" 2>&1; then
    echo "ok $n - $where: $cmd"
  else
    rc=$?
    failed=$((failed + 1))
    echo "not ok $n - $where: $cmd"
    echo "#   exit $rc; last lines of its output:"
    tail -n 15 "$scratch/out" | sed 's/^/#   /'
  fi
done <"$scratch/cmds"
# Found at all: both files have commands, and both worked examples were
# saved and run (the second on two units).
n=$((n + 1))
if [ -f "$copy/aged_hpf.lua" ] && [ -f "$copy/reserved.lua" ] && grep -q '^README.md:' "$scratch/cmds" &&
   grep -q '^policies_lua/README.md:' "$scratch/cmds" &&
   grep -q 'units=2 --policy reserved.lua' "$scratch/cmds"; then
  echo "ok $n - code blocks found in both READMEs, aged_hpf.lua and reserved.lua saved from the worked examples"
else
  failed=$((failed + 1))
  echo "not ok $n - code blocks or the worked example not found"
fi
echo "1..$n"
exit $((failed > 0))
