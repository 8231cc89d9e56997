/* harness/main.c - the hiperfcheck program: all work is in cli.c. */
#include "cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
