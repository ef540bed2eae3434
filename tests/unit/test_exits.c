/*
** test_exits.c — chunks and early exits on a profile table by hand: the
** chunk ends a table declares, the top exit's head as the last segment,
** the derived path of each exit, and the chunk lookups the engine uses.
*/
#include "device.h"
#include "test.h"

#include <stdio.h>

int main(void) {
  struct sl_err e;
  struct device *d;
  const struct work *w, *p1;
  int unknown;
  FILE *f = fopen("exits_unit.tmp", "w");
  /* E: layers 100, 200, 300, 400 ns; chunks end after l1 and l3 (and l2? no:
  ** chunk_end 0); exit 1 after l1 (head 50, 0.5), exit 2 after l2 (head 70,
  ** 0.7), exit 3 (top) after l3 (head 90, 0.9). F: no exits, no chunk ends. */
  fputs("network,batch,layer,latency_ns,state_bytes,chunk_end,exit_ns,exit_acc\n"
        "E,1,l0,100,0,0,,\nE,1,l1,200,0,1,50,0.5\nE,1,l2,300,0,0,70,0.7\nE,1,l3,400,0,1,90,0.9\n"
        "F,1,f0,10,0,0,,\nF,1,f1,20,0,0,,\n", f);
  fclose(f);
  TEST(dev_open(&d, "profile:exits_unit.tmp", NULL, 0, &e) == 0, "exits-1: opens");
  w = dev_work(d, "E", 1, &unknown, &e);
  /* Segments l0..l3 then exit:3: prefix 0 100 300 600 1000 1090. */
  TEST(w && w->nseg == 5 && work_total(w) == 1090 && !strcmp(w->seg_name[4], "exit:3"),
       "exits-2: the top exit's head is the last segment (total 1090)");
  TEST(w->nexits == 3 && w->exit == 2 && w->top == w && w->exits[0].after == 1 &&
           w->exits[1].after == 2 && w->exits[2].after == 3 && w->exits[0].head_ns == 50 &&
           w->exits[2].acc == 0.9,
       "exits-3: three exits after segments 1, 2, 3 (0-based); the work runs the top one");
  /* Chunk ends: after l1 (2), after l3 (4), the head (4, already), the end (5). */
  TEST(w->nchunks == 3 && w->chunk_end[0] == 2 && w->chunk_end[1] == 4 && w->chunk_end[2] == 5,
       "exits-4: chunk ends 2, 4, 5");
  TEST_EQ_I64(work_chunk_round(w, 100), 300, "exits-5.1: a stop at 100 rounds up to 300");
  TEST_EQ_I64(work_chunk_round(w, 300), 300, "exits-5.2: a chunk end stays");
  TEST_EQ_I64(work_chunk_round(w, 600), 1000, "exits-5.3: 600 (l2's end) rounds up to 1000");
  TEST_EQ_I64(work_chunk_round(w, 1000), 1000, "exits-5.4: the head's start is a chunk end");
  TEST_EQ_I64(work_chunk_at(w, 0), 0, "exits-6.1: chunk 0 at 0");
  TEST_EQ_I64(work_chunk_at(w, 300), 1, "exits-6.2: at its end, the next chunk");
  TEST_EQ_I64(work_chunk_at(w, 999), 1, "exits-6.3");
  TEST_EQ_I64(work_chunk_at(w, 1000), 2, "exits-6.4: the head");
  TEST_EQ_I64(work_chunk_at(w, 1090), 2, "exits-6.5: the end clamps to the last chunk");
  /* Exit 1's path: l0, l1, exit:1: prefix 0 100 300 350; chunks 2, 3. */
  p1 = w->paths[0];
  TEST(p1 && p1->nseg == 3 && work_total(p1) == 350 && !strcmp(p1->seg_name[2], "exit:1") &&
           p1->exit == 0 && p1->top == w && work_isolated(p1) == 1090,
       "exits-7: exit 1's path is 350 ns; its isolated time stays the top path's");
  TEST(p1->nchunks == 2 && p1->chunk_end[0] == 2 && p1->chunk_end[1] == 3,
       "exits-8: exit 1's path: chunk ends 2, 3");
  /* Exit 2's path: l0, l1, l2, exit:2 = 600 + 70; l2 ends no chunk, but the
  ** backbone's end before the head does: 2, 3, 4. */
  TEST(work_total(w->paths[1]) == 670 && w->paths[1]->nchunks == 3 &&
           w->paths[1]->chunk_end[1] == 3 && w->paths[1]->chunk_end[2] == 4,
       "exits-9: exit 2's path is 670 ns, chunk ends 2, 3, 4");
  TEST(w->paths[2] == w, "exits-10: the top path is the work itself");
  w = dev_work(d, "F", 1, &unknown, &e);
  TEST(w && w->nexits == 0 && w->exit == -1 && w->nchunks == 1 && w->chunk_end[0] == 2,
       "exits-11: no exits; chunk_end 0 everywhere: one chunk, the whole network");
  TEST_EQ_I64(work_chunk_round(w, 5), 30, "exits-12: so a checkpoint runs to the end");
  dev_close(d);
  remove("exits_unit.tmp");
  return test_done();
}
