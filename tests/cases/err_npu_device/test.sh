# Bad NPU device files and parameters (err-npu-1): each message names the
# file, the line and the field; a bad device leaves no database behind. A bad
# value overrides a field of a base preset (giving a field twice in one file
# is an error of its own: tests/t_input.sh).
good='array_rows = 4\narray_cols = 4\ndataflow = ws\nclock_mhz = 1000\nubuf_bytes = 4 KiB
wbuf_bytes = 1 KiB\naccq_bytes = 1 KiB\ndram_bw = 2 GB/s\ndram_latency_cycles = 10
elem_bytes = 1\nacc_bytes = 4\nstream_depth = 4\nckpt_granularity = tile\nckpt_bytes = progress\n'
# predict_dev TEXT: the first line of `schedlab predict` on a device file holding TEXT.
predict_dev() {
  printf "$1" > "$DB.dev"
  "$SCHEDLAB" predict --device "npu:$DB.dev" --network ../npu_preempt/b.csv 2>&1 >/dev/null |
    head -n 1 | sed "s|$DB.dev|DEV|g"
}
predict_dev "# comment\narrays_rows = 4\n$good" | cut -c1-80        # unknown field
predict_dev "base = npu-prema\ndataflow = xs"                                  # bad word
predict_dev "base = npu-prema\nubuf_bytes = 8 MB/s"                            # bad unit
predict_dev "base = npu-prema\nubuf_bytes = 0.5 B"                             # not whole bytes
predict_dev "base = npu-prema\ndram_bw = fast"
predict_dev "base = npu-prema\narray_rows = 0  # no PEs"                       # out of range
predict_dev "base = npu-prema\nstream_depth"                                   # no '='
predict_dev "base = npu-prema\nclock_mhz ="                                    # no value
predict_dev "$(printf "$good" | grep -v stream_depth)\n"            # missing field
predict_dev "array_rows = 8\nbase = npu-prema\n"                    # base after a field
predict_dev "base = npu-nope\n"                                     # unknown base
predict_dev "base = npu-prema\narray_rows = 8\n" && echo "base + override: ok"
"$SCHEDLAB" predict --device npu:nowhere.dev --network ../npu_preempt/b.csv 2>&1 | head -n 1
"$SCHEDLAB" predict --device npu-nope --network ../npu_preempt/b.csv 2>&1 | head -n 1
"$SCHEDLAB" predict --device npu --network ../npu_preempt/b.csv 2>&1 | head -n 1
"$SCHEDLAB" predict --device npu-prema --device-param rows=4 --network ../npu_preempt/b.csv 2>&1 |
  head -n 1
"$SCHEDLAB" predict --device npu-prema --device-param dataflow=ows --network ../npu_preempt/b.csv \
  2>&1 | head -n 1
"$SCHEDLAB" predict --device npu-prema --device-param stream_depth=-1 \
  --network ../npu_preempt/b.csv 2>&1 | head -n 1
printf "base = npu-prema\nelem_bytes = 17\n" > "$DB.dev"
"$SCHEDLAB" run --db "$DB" --device "npu:$DB.dev" --trace ../npu_preempt/trace.csv \
  --policy np_fcfs >/dev/null 2>"$DB.err"
echo "exit $?"
sed "s|$DB.dev|DEV|g" "$DB.err"
db_state
