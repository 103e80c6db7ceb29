/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemctl's commands: each is a struct cmd_spec (cmdline.h) whose run
 * takes argv[0] = the command's own name.
 */
#ifndef _PMEMCTL_COMMANDS_H
#define _PMEMCTL_COMMANDS_H

#include "cmdline.h"

extern const struct cmd_spec devices_spec, regions_spec, list_spec;
extern const struct cmd_spec create_spec, remove_spec, init_labels_spec;
extern const struct cmd_spec reset_id_spec, check_spec, convert_spec;
extern const struct cmd_spec read_labels_spec, image_spec;

#endif /* _PMEMCTL_COMMANDS_H */
