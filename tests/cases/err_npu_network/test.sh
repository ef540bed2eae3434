# Bad layer tables, network references and SCALE-Sim topologies (err-npu-2):
# each message names the file, the line and the column.
# predict_net TEXT: the first line of `schedlab predict` on a table holding TEXT.
predict_net() {
  printf "$1" > "$DB.csv"
  "$SCHEDLAB" predict --device npu-prema --network "$DB.csv${2:-}" 2>&1 >/dev/null | head -n 1 |
    sed "s|$DB.csv|NET|g"
}
h='name,type,in_h,in_w,in_c,out_c,k_h,k_w,stride,pad,groups,seq\n'
predict_net "$h\nc1,conv,8,8,3,4,3,3,1,1,,\nc2,convv,8,8,4,4,3,3,1,1,,\n" | cut -c1-70
predict_net "$h\nc1,conv,8,8,x,4,3,3,1,1,,\n"
predict_net "$h\nc1,conv,8,8,3,4,,3,1,1,,\n"
predict_net "$h\nc1,conv,3,3,3,4,5,5,1,0,,\n"
predict_net "$h\nc1,conv,8,8,6,4,3,3,1,1,4,\n"
predict_net "$h\nc1,conv,8,8,3,4,3,3,0,1,,\n"
predict_net "$h\nc1,conv,8,8,3,4,3,3,1,1\n"
predict_net "$h\n,fc,,,4,4,,,,,,\n"
predict_net "name,type,in_c,out_c,extra\nf,fc,4,4,1\n" | cut -c1-60
predict_net "name,in_c,out_c\nf,4,4\n" | cut -c1-60
predict_net "# param seq = 8\nname,type,in_c,out_c,seq\nf,fc,4,4,\$sq\n"
predict_net "# param seq = 8\nname,type,in_c,out_c,seq\nf,fc,4,4,\$seq*x\n"
predict_net "# param seq = 0\nname,type,in_c,out_c,seq\nf,fc,4,4,\$seq\n"
predict_net "# param seq = 8\nname,type,in_c,out_c,seq\nf,fc,4,4,\$seq\n" "[seq=4;heads=2]"
predict_net "# param seq = 8\nname,type,in_c,out_c,seq\nf,fc,4,4,\$seq\n" "[seq=big]"
predict_net "# param seq = 8\nname,type,in_c,out_c,seq\nf,fc,4,4,\$seq/16\n"
predict_net "name,type,in_c,heads,seq\na,attention,10,4,8\n"
predict_net "name,type,in_c,out_c,seq,dirs\nl,lstm,4,4,8,3\n"
predict_net "name,type,in_c,out_c\n"
# SCALE-Sim topologies: positional columns, a trailing comma, no parameters.
t='Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n'
predict_net "${t}Conv1,8,8,3,3,x,4,1,\n"
predict_net "${t}Conv1,8,8,3,3,3,4,1,\nConv2,2,2,3,3,4,4,1,\n"
predict_net "${t}Conv1,8,8,3,3,3,4,1,\n" "[seq=2]"
predict_net "Layer, M, N, K,\nG1,4,4,0,\n"
# A trace naming a network the zoo lacks (the zoo's list is cut off).
printf 'arrival_ns,network\n0,alexnet\n5,nope\n' > "$DB.trace"
"$SCHEDLAB" run --db "$DB" --device npu-prema --trace "$DB.trace" --policy np_fcfs \
  >/dev/null 2>"$DB.err"
echo "exit $?"
sed "s|$DB.trace|TRACE|; s/the zoo has:.*/the zoo has: .../" "$DB.err"
db_state
