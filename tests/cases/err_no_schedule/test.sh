# A missing schedule hook is a load error; a misspelt hook is warned about.
"$SCHEDLAB" run --db "$DB" --device "profile:$PROFILE" --trace trace.csv --policy policy.lua 2>&1
echo "exit $?"
mkdir -p "$DB.d" && printf 'return 42\n' > "$DB.d/returns42.lua"
run_fail --trace trace.csv --policy "$DB.d/returns42.lua" | sed "s|$DB.d/|DIR/|g"
db_state
