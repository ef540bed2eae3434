# The worked example of policies_lua/README.md (api-4): policy.lua must be
# the README's code block, verbatim. With max_wait = 3000 ns:
#  0     C (prio 1) runs.
#  100   A (prio 1) arrives: equal priority: nothing.
#  200   B (prio 9) preempts C: C runs on to its c1 boundary (3000), saves
#        1000 B = 250 ns; B runs 3250-4250.
#  3250  A has waited 3150 >= 3000 and is picked, but priority 1 does not
#        preempt 9: nothing.
#  4250  free device: A (waited 4150, urgent) goes before C (waited 1000),
#        though C arrived first: A 4250-8250.
#  8250  C restores 250 and runs its last 3000: 11500.
# Without aging (max_wait = 1 s) C would go first at 4250: restore 250,
# C 4500-7500, A 7500-11500.
# (the first ```lua block; the second is the two-unit example)
awk '/^```lua$/ { n++; if (n == 1) { on = 1; next } } on && /^```$/ { exit } on' \
  ../../../policies_lua/README.md | diff - policy.lua && echo "policy.lua is the README's example"
run_ok --trace trace.csv --policy policy.lua --param max_wait=3us
tasks
run_ok --trace trace.csv --policy policy.lua --param max_wait=1s
tasks
