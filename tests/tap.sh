# TAP helpers the t_*.sh scripts share: each check prints one "ok"/"not ok"
# line; the script prints "1..$n" at the end and exits non-zero if $failed.
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
check() { # check NAME GOT WANT
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}
contains() { # contains NAME TEXT SUBSTRING
  case $2 in *"$3"*) ok "$1" ;; *) not_ok "$1" "got:  $2" "want it to contain: $3" ;; esac
}
