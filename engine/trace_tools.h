/*
** trace_tools.h — the entry of `schedlab trace stats|slice|scale|merge`
** (cmd_trace_tools.c), called by cmd_trace.c.
*/
#ifndef TRACE_TOOLS_H
#define TRACE_TOOLS_H

/* argv[0] is the subcommand. Returns its exit status, or -1 when argv[0]
** is none of stats, slice, scale, merge. */
int trace_tools_main(int argc, char **argv);

#endif
