/* The sampler's commands. Each takes its arguments as getopt_long expects them: argv[0] is the command's
 * name ("tick", "load", …), the options follow. */
#ifndef TICKSCOPE_COMMANDS_H
#define TICKSCOPE_COMMANDS_H

int tick_main(int argc, char **argv);
int switch_main(int argc, char **argv);
/* `load cpu|memory [--cpus LIST] [--duration T] [--size BYTES]` */
int load_main(int argc, char **argv);
/* Times writing N synthetic samples as a run file (bench/suites/collector.bench.ts). */
int run_write_bench(int argc, char **argv);
#endif
