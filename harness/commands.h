/*
 * harness/commands.h - the subcommands of hiperfcheck.  Each takes the
 * arguments after the program name (argv[0] is the command's name) and
 * returns the process exit status (cli.h).
 */
#ifndef HIPERF_COMMANDS_H
#define HIPERF_COMMANDS_H

int cmd_inspect(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_bless(int argc, char **argv);
int cmd_requirements(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_todo(int argc, char **argv);

#endif
