/*
** main.c — the schedlab command line: subcommand dispatch and help.
*/
#include "cli.h"
#include "version.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const struct command commands[] = {
    {"run", cmd_run, "replay a trace through a device under a policy, store the run",
     "usage: schedlab run --trace FILE --policy NAME|FILE.lua --device SPEC [options]\n"
     "       schedlab run --tasks FILE [--tasks-param NAME=V]... --policy ... --device ...\n"
     "\n"
     "Replays the arrival trace through the device under the policy, prints a\n"
     "summary and the run id, and stores the run (tasks, metrics, params) in the\n"
     "database in one transaction. The summary gives simulated time in ms, mean_np,\n"
     "STP and fairness per busy period (or per workload, with a workload column),\n"
     "and a row per class: all, each priority, each tenant (docs/metrics.md).\n"
     "\n"
     "  --trace FILE            arrival trace (CSV; see README.md, 'Traces')\n"
     "  --format SPEC           read --trace through a format spec (a name in\n"
     "                          traces/formats/ or a .fmt path), streaming; .gz/.zst ok\n"
     "  --tasks FILE            release the requests of a task set instead of reading a\n"
     "                          trace (periodic, Poisson, closed-loop tasks; see\n"
     "                          traces/tasksets/README.md); exclusive with --trace/--format\n"
     "  --tasks-param NAME=V    override a `param` of the task set (repeatable); stored\n"
     "                          as param tasks.NAME\n"
     "  --policy NAME|FILE.lua  a policy of policies_lua/ by name, or a script\n"
     "  --device SPEC           npu-prema, npu:FILE.dev, profile:TABLE.csv\n"
     "                          (see 'schedlab list devices')\n"
     "  --param NAME=VALUE      override a policy param (repeatable); integers also\n"
     "                          take durations: 250us, 0.25ms, 1s\n"
     "  --device-param NAME=VALUE  override a device param (repeatable)\n"
     "  --seed N                seed of the run's random streams (default 1)\n"
     "  --predict-sigma S       std. dev. of the multiplicative prediction error, 0-100\n"
     "                          (default 0)\n"
     "  --db FILE               results database (default results/schedlab.db)\n"
     "  --label TEXT            free-form label stored with the run\n"
     "  --experiment NAME       experiment name stored with the run\n"
     "  --log FILE              where the policy's print()/sim.log() go (default: discarded;\n"
     "                          '-' for stderr); never the database itself\n"
     "  --quiet                 print only the run id\n"
     "  --stats                 print where the time and memory went (stderr)\n"
     "  --max-events N          fail the run past N events (default 1000000000)\n"
     "  --max-sim-time D        fail the run if simulated time would pass D (default 0: none)\n"
     "  --max-wall D            fail the run after D of wall-clock time (default 0: none;\n"
     "                          machine-dependent, so off unless asked for)\n"
     "  --record intervals      also store the run's execution intervals (table\n"
     "                          intervals, for plot --gantt); part of the run key\n"
     "\n"
     "The limits are stored as params limit.max_events, limit.max_sim_time_ns and\n"
     "limit.max_wall_ms (0: none). A run that exceeds one, or that the engine finds\n"
     "livelocked (preempting without progress, zero-delay timer chains), is stored\n"
     "with status 'failed' and a message naming what was detected.\n"
     "\n"
     "A run whose run key has a current successful run in the database already is\n"
     "not stored again: it says so and prints that run's id.\n"
     "\n"
     "Exit status: 0 the run succeeded; 1 the run failed (bad input: nothing is\n"
     "written; a policy error or a limit: the run is stored with status 'failed'); 2 usage.\n"},
    {"query", cmd_query, "run SQL against a results database",
     "usage: schedlab query DB \"SQL\" [--csv]\n"
     "       schedlab query DB --schema\n"
     "\n"
     "Runs the SQL and prints each result as aligned columns, or as CSV with --csv.\n"
     "Several statements run in order, each result printed; the first that fails\n"
     "stops the rest and is named by its number (exit 1). The database is opened\n"
     "read-only: a statement that writes fails. Integral REALs print as integers.\n"
     "--schema prints every table and view with one line of meaning per column.\n"
     "Views leave out superseded runs (README.md, 'Results database').\n"
     "Example: schedlab query results/schedlab.db \\\n"
     "  \"SELECT policy, name, value FROM metrics JOIN runs USING (run_id)\n"
     "   WHERE class='all' AND name IN ('antt','stp')\"\n"},
    {"list", cmd_list, "list policies, devices or networks",
     "usage: schedlab list policies|devices|networks [--device SPEC]\n"
     "\n"
     "policies  the policies in policies_lua/, with their one-line descriptions\n"
     "devices   device kinds, shipped profile tables and device presets\n"
     "networks  the network zoo (traces/networks/, any batch on an npu device) and\n"
     "          the networks and batches of each shipped profile table; with\n"
     "          --device, only what that device runs\n"},
    {"sweep", cmd_sweep, "run an experiment's parameter grid in parallel, resumably",
     "usage: schedlab sweep FILE [--jobs N] [--db F] [--quick] [--dry-run] [--shard I/N] [--quiet]\n"
     "                           [--report F | --no-report]\n"
     "       schedlab sweep FILE --emit-slurm [--shards N] [--db F] [--quick]\n"
     "\n"
     "Expands the experiment's grid (experiments/README.md), checks every point\n"
     "before anything runs (policies load and declare the params set, devices and\n"
     "their params, trace files, metric names; relative paths are taken from the\n"
     "file's folder), and runs every run on N worker processes (default: the number\n"
     "of cores), each in its own Lua state and written in its own transaction. A\n"
     "run whose key (a hash of what determines its rows: engine sources, policy and\n"
     "its modules, device, tables, trace, params; not the git state) is already\n"
     "complete in the database is skipped, so a sweep stopped at any moment, even by\n"
     "kill -9, finishes the rest when started again. Failed runs are recorded with\n"
     "their error (the first is printed) and retried by the next sweep. At the end\n"
     "the views are refreshed and the report rewritten if its text changed.\n"
     "\n"
     "  --jobs N        worker processes\n"
     "  --db F          database (default results/NAME.db; results/NAME-quick.db with --quick)\n"
     "  --quick         the file's quick variant: fewer seeds and points\n"
     "  --dry-run       list the runs and which are done; run nothing\n"
     "  --shard I/N     run only the runs whose grid index is I modulo N (0 <= I < N)\n"
     "  --report F      write the report to F (default FILE.md; with --quick, beside the db)\n"
     "  --no-report     do not write the report\n"
     "  --emit-slurm    write a Slurm job array (one shard per task, --shards N, default 16)\n"
     "                  and a merge job into DB.slurm/, with submit.sh to submit both\n"
     "Exit status: 0 all runs ok; 1 some failed; 130 interrupted.\n"},
    {"report", cmd_report, "rewrite an experiment's report from its database",
     "usage: schedlab report FILE [--db F] [--quick] [--out F]\n"
     "\n"
     "Runs the experiment file's report function against the database and writes\n"
     "the markdown beside the file (FILE.md), or beside the database with --quick.\n"},
    {"plot", cmd_plot, "draw an experiment's figures, or one from SQL, with gnuplot",
     "usage: schedlab plot FILE [--figure NAME] [--out DIR] [--db F] [--quick]\n"
     "       schedlab plot --sql \"SELECT ...\" --kind bar|line|cdf|heatmap --db F [options]\n"
     "       schedlab plot --gantt RUN_ID [--db F] [--from T] [--to T] [--color priority|tenant]\n"
     "                     [--out DIR] [--name NAME]\n"
     "\n"
     "Each figure is an SQL query plus a style. Writes DIR/NAME.png (pngcairo) and\n"
     "DIR/NAME.svg, and beside them NAME.gp and NAME.dat, so `gnuplot NAME.gp`\n"
     "redraws a hand-edited figure. DIR defaults to results/EXPERIMENT.\n"
     "\n"
     "Columns by position unless named: line/bar (x, y, series), cdf (values,\n"
     "series), heatmap (x, y, z); a column named ci95 or err draws error bars.\n"
     "  --x --y --z --series --err COLUMN   name the columns\n"
     "  --title --xlabel --ylabel TEXT      labels (give units: 'latency (ms)')\n"
     "  --logx --logy                       log scales (y is made log by itself when it\n"
     "                                      spans three decades)\n"
     "  --name NAME --out DIR --style GNUPLOT\n"
     "\n"
     "--gantt draws one run's recorded intervals (run --record intervals): units on\n"
     "the y axis, a bar per interval coloured by the request's priority (default) or\n"
     "tenant, a black mark where a request stopped before it finished (preempted);\n"
     "requests sharing a unit (ps, pools) get lanes of its row.\n"
     "--from/--to bound the time window (ns, or 250us, 2ms, 1s); the time axis is in\n"
     "s, ms, us or ns to suit it. --db defaults to results/schedlab.db, --out to the\n"
     "current folder, --name to gantt_runRUN_ID.\n"},
    {"merge", cmd_merge, "merge results databases (the shards of a sweep)",
     "usage: schedlab merge OUT.db IN.db...\n"
     "\n"
     "Copies every run of the inputs into OUT (created if missing). A run whose key\n"
     "is already complete in OUT is skipped when its tasks and metrics are identical,\n"
     "and is an error when they differ; failed attempts give way to successful ones.\n"
     "The merge is built in OUT.merging and renamed into place: on any error OUT is\n"
     "left as it was. runs.superseded is recomputed over the result.\n"},
    {"prune", cmd_prune, "remove runs (superseded ones, an experiment's, old ones) from a database",
     "usage: schedlab prune DB [--superseded] [--experiment E] [--before DATE]\n"
     "\n"
     "Removes the selected runs with their params, tasks, metrics and intervals, in\n"
     "one transaction, and prints what it removed. A run must match every selector\n"
     "given; at least one is required.\n"
     "  --superseded     successful runs replaced by a later success of the same\n"
     "                   run key or (experiment, point, seed) (runs.superseded = 1)\n"
     "  --experiment E   runs of experiment E (successful, superseded and failed)\n"
     "  --before DATE    runs started before DATE: YYYY-MM-DD or\n"
     "                   YYYY-MM-DDTHH:MM:SS[Z], UTC, compared with runs.started_at\n"
     "Exit status: 0 done (also when nothing matched); 1 the database could not be\n"
     "changed (nothing removed); 2 usage.\n"},
    {"trace", cmd_trace, "generate, import, measure and reshape arrival traces",
     "usage: schedlab trace gen KIND [NAME=VALUE...] --device SPEC [--device-param K=V]... [--out FILE]\n"
     "       schedlab trace import --format SPEC IN... [-o OUT] [--skip-bad] [--stats]\n"
     "       schedlab trace stats FILE [--format SPEC] [--window D]... [--top N] [--plot OUT]\n"
     "       schedlab trace slice FILE [--format SPEC] [--from T] [--to T] [--tenant NAME] [--first N]\n"
     "                            [--keep-time] [-o OUT]\n"
     "       schedlab trace scale FILE [--format SPEC] (--load L --device SPEC [--device-param K=V]...\n"
     "                            | --factor F) [-o OUT]\n"
     "       schedlab trace merge A B... [--format SPEC] [--tenants a,b,...] [-o OUT]\n"
     "\n"
     "Writes a trace in the native format (stdout without --out), deterministic from\n"
     "its seed. The device gives the isolated times that turn a load into a rate.\n"
     "Then says what it wrote (path, requests, arrival span in simulated time,\n"
     "tenants): on stdout with --out FILE, on stderr when the trace goes to stdout.\n"
     "\n"
     "KIND       poisson | uniform | gamma | mmpp | periodic\n"
     "common     n=REQUESTS (1000)  seed=N (1)  slack=S (deadline = arrival + S x isolated)\n"
     "           workload=LABEL (a workload column: the trace is one workload for STP)\n"
     "mix        networks=A,B,...  batches=1,4  priorities=1,3,9   (uniform cross product)\n"
     "           or tenant=NAME:NETWORK:BATCH:PRIORITY[:WEIGHT], repeated\n"
     "           batch_mix=per_task (default) | per_workload (one batch for the trace)\n"
     "poisson    rate=REQ_PER_S | load=FRACTION\n"
     "uniform    window=DURATION | load=FRACTION; first_at_zero=true|false\n"
     "gamma      rate | load; cv=C (coefficient of variation of the gaps)\n"
     "mmpp       rate | load; burst=HIGH/LOW (10); high_fraction=F (0.1); dwell=DURATION\n"
     "periodic   tasks=M (4); utilization=U (0.5, UUniFast); horizon=DURATION;\n"
     "           jitter=F (0, fraction of the period); deadline=F (1, of the period)\n"
     "Limits: n <= 1e9, tasks <= 1e6, numbers finite (rate, load <= 1e12; burst <= 1e6),\n"
     "durations and every written time <= 2^60 ns: a rate so low (1e-300) that an\n"
     "arrival would pass it is an error, and the --out file is not written. Names\n"
     "are quoted where CSV needs it; names with line breaks are refused.\n"
     "Example: schedlab trace gen poisson n=10000 load=0.7 networks=resnet50,vgg16 \\\n"
     "           batches=1,4 priorities=1,9 --device profile:traces/profiles/h100_torchvision.csv\n"
     "\n"
     "import reads IN... (plain, .gz or .zst; one timeline, in order) through the\n"
     "format spec SPEC (a name in traces/formats/, e.g. azure_llm, or a .fmt path;\n"
     "traces/formats/README.md) and writes the native CSV to OUT (stdout without\n"
     "-o; OUT is written whole or not at all). A line that does not read stops it\n"
     "with FILE:LINE and the part that did not match; --skip-bad passes such lines\n"
     "over and reports how many and the first few. Then says what it read;\n"
     "--stats adds time, MB/s, lines/s and peak memory (stderr).\n"
     "\n"
     "stats   one streaming pass; prints NAME VALUE lines: count, first_ns, last_ns,\n"
     "        span_ns (last - first arrival), mean_rate_rps = (count - 1) / span,\n"
     "        interarrival_mean_ns, interarrival_cv (population sd / mean of the gaps),\n"
     "        burstiness (Goh-Barabasi B = (sd - mean) / (sd + mean) of the gaps: -1\n"
     "        periodic, 0 Poisson, towards 1 bursty); per window W (--window D,\n"
     "        repeatable; default 1ms 10ms 100ms 1s 10s 60s, those not longer than\n"
     "        the span): peak_rps[W] = the most arrivals in any W-long interval\n"
     "        (t - W, t] over W (peak_count: that count and its t), idc[W] = the\n"
     "        index of dispersion (variance / mean) of the counts in the complete\n"
     "        bins [first + kW, first + (k+1)W) (1 for Poisson; - with < 2 bins);\n"
     "        then tenants and networks with counts and shares, the --top N (20) first.\n"
     "        --plot DIR/NAME: arrivals per second over time, in 100 bins, drawn as\n"
     "        DIR/NAME.png and .svg (with the .gp and .dat) through gnuplot.\n"
     "slice   the rows with from <= arrival < to (durations: 500ms, 2s, 250us, ns),\n"
     "        of one --tenant, at most --first N of them; arrivals and deadlines are\n"
     "        shifted so the first kept row arrives at 0, unless --keep-time. Reading\n"
     "        stops at the first row at or after --to (or the N-th kept).\n"
     "scale   arrival a -> first + round((a - first) x f). --factor F: f = F. --load L:\n"
     "        f = offered / L, offered = sum of the rows' isolated times on the device\n"
     "        / span / units (the device's units param, 1 without it). Deadlines keep\n"
     "        their distance to the arrival. A trace without a span cannot be scaled.\n"
     "merge   the rows of every input in arrival order (ties: the earlier input\n"
     "        first), each input's rows as one tenant: the --tenants names in input\n"
     "        order, else each file's name without folder and extension; ids\n"
     "        renumbered 0, 1, ... in the output order.\n"
     "--format SPEC (stats, slice, scale, merge): the input is read through the\n"
     "format spec, as import reads it (for merge: every input), without converting it.\n"
     "Outputs (slice, scale, merge): the native CSV arrival_ns,network,batch,\n"
     "priority,tenant,id[,deadline_ns][,workload] on stdout, or -o OUT (also --out),\n"
     "written to a temporary file and renamed, so a failure leaves nothing; an OUT\n"
     "that is one of the inputs is refused. The summary goes to stdout with -o,\n"
     "else to stderr. Errors name the file, line and column.\n"
     "Example: schedlab trace scale t.csv --load 0.8 --device npu-prema -o t08.csv\n"},
    {"predict", cmd_predict, "predict per-layer latency of a network on a device model",
     "usage: schedlab predict --device SPEC --network NAME|FILE [--batch B[,B...]]\n"
     "                        [--per-layer] [--csv] [--device-param NAME=VALUE]... [--stats]\n"
     "       schedlab predict --device SPEC --all [options]\n"
     "       schedlab predict --validate DIR [--markdown]\n"
     "       schedlab predict --validate-gpu DIR [--device gpu-PRESET] [--markdown]\n"
     "\n"
     "Compiles the network for the device, as a run would, and prints what the\n"
     "model predicts for one request running alone: total cycles, latency,\n"
     "utilisation (share of the peak MAC rate), DRAM bytes, tiles (preemption\n"
     "points) and whether it is compute- or memory-bound; per segment (layer,\n"
     "LSTM time step, attention stage) with --per-layer.\n"
     "\n"
     "  --device SPEC           npu-prema, npu:FILE.dev, gpu-h100, profile:TABLE.csv, ...\n"
     "  --network NAME|FILE     a zoo network (traces/networks/NAME.csv), with\n"
     "                          parameters as NAME[k=v;k=v] (bert_base[seq=384]), or\n"
     "                          a layer table or SCALE-Sim topology file (.csv);\n"
     "                          repeatable\n"
     "  --all                   every network of the zoo, at default parameters\n"
     "  --batch B[,B...]        batch sizes (default 1)\n"
     "  --per-layer             one row per segment (gpu: per network layer), then the total\n"
     "  --per-kernel            gpu: one row per kernel: duration, the gap before it,\n"
     "                          blocks, blocks per SM, waves, FLOP/s, bytes/s, bound\n"
     "  --csv                   CSV: network,batch,segment,cycles,compute_cycles,\n"
     "                          latency_ns,util,macs,dram_bytes,tiles,bound\n"
     "  --device-param NAME=VALUE  override a device field (repeatable)\n"
     "  --stats                 print the compile time (stderr)\n"
     "  --validate DIR          compare the NPU model's compute cycles with SCALE-Sim's\n"
     "                          per-layer reports in DIR (experiments/calibration/\n"
     "                          scalesim/per_layer); exit 1 when a network's median\n"
     "                          layer error exceeds 5% or its total error 10%\n"
     "  --validate-gpu DIR      the GPU model's isolated latency against DIR/e2e_latency.csv\n"
     "                          (graph and eager); exit 1 when the held-out MAPE exceeds\n"
     "                          15% (graph) or 30% (eager): docs/gpu_validation.md\n"
     "  --markdown              with --validate(-gpu): write the validation document\n"
     "\n"
     "Example: schedlab predict --device npu-prema --network resnet50 --batch 1,16\n"},
    {"help", cmd_help, "show help for a command", "usage: schedlab help [COMMAND]\n"},
    {NULL, NULL, NULL, NULL}};

static void overview(FILE *out) {
  fprintf(out, "schedlab %s — scheduling multi-tenant DNN inference on shared accelerators\n\n"
               "usage: schedlab COMMAND [options]    (schedlab help COMMAND for details)\n\n",
          SL_VERSION);
  for (const struct command *c = commands; c->name; c++)
    fprintf(out, "  %-8s %s\n", c->name, c->summary);
}

void cli_help(const char *cmd, FILE *out) {
  for (const struct command *c = commands; c->name; c++)
    if (!strcmp(c->name, cmd)) {
      fputs(c->usage, out);
      return;
    }
  overview(out);
}

int cmd_help(int argc, char **argv) {
  if (argc < 2) {
    overview(stdout);
    return 0;
  }
  for (const struct command *c = commands; c->name; c++)
    if (!strcmp(c->name, argv[1])) {
      fputs(c->usage, stdout);
      return 0;
    }
  return cli_usage_error("help", "no command '%s'", argv[1]);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    overview(stderr);
    return EXIT_USAGE;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    overview(stdout);
    return 0;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("schedlab %s\n", SL_VERSION);
    return 0;
  }
  for (const struct command *c = commands; c->name; c++)
    if (!strcmp(c->name, argv[1])) {
      for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
          fputs(c->usage, stdout);
          return 0;
        }
      return c->main(argc - 1, argv + 1);
    }
  fprintf(stderr, "schedlab: no command '%s'\n\n", argv[1]);
  overview(stderr);
  return EXIT_USAGE;
}
