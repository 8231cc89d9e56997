/* harness/worker_entry.c - the `__worker` entry bound to the real step
 * executor (exec.c); tests bind worker_run to a scripted one instead. */
#include "worker.h"

int worker_main(int argc, char **argv)
{
    return worker_run(argc, argv, exec_case);
}
