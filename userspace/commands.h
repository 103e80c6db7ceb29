/* SPDX-License-Identifier: GPL-2.0 */
/* pmemctl's commands: each takes argv[0] = its own name. */
#ifndef _PMEMCTL_COMMANDS_H
#define _PMEMCTL_COMMANDS_H

#include <stdbool.h>

/* The options of devices, regions and list, as their help shows them. */
#define LISTING_ARGS \
	"[--json] [-o|--output COLUMNS] [-n|--noheadings] [-r|--raw] [-b|--bytes]"

int cmd_devices(int argc, char **argv);
int cmd_regions(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_create(int argc, char **argv);
int cmd_remove(int argc, char **argv);
int cmd_init_labels(int argc, char **argv);
int cmd_reset_id(int argc, char **argv);
int cmd_read_labels(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_convert(int argc, char **argv);

#endif /* _PMEMCTL_COMMANDS_H */
