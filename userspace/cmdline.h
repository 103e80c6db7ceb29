/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemctl's command lines: each command describes its options once, in a
 * table of struct cmd_opt, and that one table drives getopt_long, the
 * checks of what is required, the command's --help and its line in
 * 'pmemctl help', so the parser and the help cannot drift apart.
 */
#ifndef _PMEMCTL_CMDLINE_H
#define _PMEMCTL_CMDLINE_H

#include <stdio.h>

/* flags of an option */
#define OPT_REQUIRED	(1U << 0)	/* must be given (of an OR group: one of it) */
#define OPT_OR_PREV	(1U << 1)	/* an alternative to the option before: --btt|--raw */
#define OPT_OR_OPERANDS	(1U << 2)	/* given instead of the operands: DEVICE...|--all */

struct cmd_opt {
	const char *name;	/* the long name, without "--"; NULL ends a table */
	char short_name;	/* 0: none */
	const char *value;	/* its value as help shows it ("SIZE", "512|4096"); NULL: a flag */
	const char *help;	/* one line for --help */
	unsigned int flags;
};

struct cmd_spec {
	const char *name;
	const char *operands;	/* "DISK", "DISK...", NULL: none */
	unsigned int min_operands, max_operands;
	const char *summary;	/* one line for 'pmemctl help' */
	const struct cmd_opt *opts;	/* NULL: no options */
	int (*run)(int argc, char **argv);
};

/* What a command's option callback returns for a value it does not take. */
#define CMD_BAD_VALUE	(-1)
/* What a command returns after printing its --help: main() exits 0. */
#define CMD_HELP_SHOWN	100

/*
 * @set is called once for each option given, with its index in @spec->opts
 * and its value (NULL for a flag). It returns 0, CMD_BAD_VALUE (the parser
 * says so), or EXIT_USAGE having said why itself.
 */
typedef int (*cmd_set_fn)(void *ctx, unsigned int opt, const char *value);

/*
 * Parse the command line of @spec (argv[0]: the command's name): options
 * anywhere, "--" ends them. The operands are left in *@operands and
 * *@nr_operands. Returns 0, EXIT_USAGE with the reason and the usage on
 * stderr, or CMD_HELP_SHOWN after printing the help for --help on stdout.
 */
int cmd_parse(const struct cmd_spec *spec, int argc, char **argv, cmd_set_fn set,
	      void *ctx, char ***operands, int *nr_operands);

/*
 * "pmemctl CMD: <why>" and the usage line on stderr; returns EXIT_USAGE.
 * For the checks between options that the table cannot express.
 */
int cmd_usage_error(const struct cmd_spec *spec, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "--region ID --size SIZE [--name NAME] ...", as one line. */
void cmd_synopsis(const struct cmd_spec *spec, FILE *f);
/* A command's --help: usage, summary and a line for each option. */
void cmd_help(const struct cmd_spec *spec, FILE *f);

#endif /* _PMEMCTL_CMDLINE_H */
