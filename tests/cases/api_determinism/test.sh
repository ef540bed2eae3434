# Same inputs and seed, same rows (api-2): two runs of a policy that uses
# the seeded random stream and prediction error give identical tasks and
# metrics; a different seed changes them.
cat > "$DB.lua" <<'LUA'
local P = { params = {} }
function P.schedule(sim)
  local pick, n = nil, 0
  for r in sim.ready() do
    n = n + 1
    if math.random(n) == 1 then pick = r end   -- uniform choice among the ready
  end
  if not sim.running() then return pick end
  if sim.random() < 0.3 then return pick, "checkpoint" end
end
return P
LUA
for seed in 7 7 8; do
  run_ok --trace trace.csv --policy "$DB.lua" --seed $seed --predict-sigma 0.2
done
q="SELECT group_concat(task_id || ':' || start_ns || ':' || finish_ns || ':' || preemptions, ' ')
   FROM (SELECT * FROM tasks WHERE run_id = RUN ORDER BY seq)"
a=$("$SCHEDLAB" query --csv "$DB" "$(echo "$q" | sed s/RUN/1/)")
b=$("$SCHEDLAB" query --csv "$DB" "$(echo "$q" | sed s/RUN/2/)")
c=$("$SCHEDLAB" query --csv "$DB" "$(echo "$q" | sed s/RUN/3/)")
[ "$a" = "$b" ] && echo "seed 7 twice: identical tasks" || echo "seed 7 twice: DIFFERENT"
[ "$a" != "$c" ] && echo "seed 8: a different schedule" || echo "seed 8: same schedule"
"$SCHEDLAB" query --csv "$DB" "SELECT count(*) FROM metrics m1 JOIN metrics m2
  ON m1.name = m2.name AND m1.class = m2.class AND m1.run_id = 1 AND m2.run_id = 2
  WHERE m1.value IS NOT m2.value" | tail -n 1
"$SCHEDLAB" query --csv "$DB" "SELECT count(DISTINCT run_key) FROM runs WHERE run_id IN (1, 2)" | tail -n 1
