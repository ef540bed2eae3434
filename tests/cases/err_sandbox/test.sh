# The sandbox: no io/os/require/load, no global writes, read-only requests,
# math.randomseed disabled. Each one is a clean, located policy error.
for body in 'io.open("/tmp/x", "w")' 'os.execute("true")' 'require("os")' \
            'load("return 1")' 'x = 1' 'sim.best("fifo").arrival = 5' \
            'math.randomseed(7)' 'sim.best("nonsense")' 'sim.dispatch(sim.best(), "pause")'; do
  mkdir -p "$DB.d"
  printf 'local P = {}\nfunction P.schedule(sim)\n  %s\nend\nreturn P\n' "$body" > "$DB.d/sandbox.lua"
  run_fail --trace trace.csv --policy "$DB.d/sandbox.lua" | tail -n 1 | sed "s|$DB.d/|DIR/|g"
done
