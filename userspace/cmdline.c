// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl's command lines: getopt_long driven by each command's option
 * table, and the help generated from the same table. See cmdline.h.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "cmdline.h"
#include "ctl.h"

#define CMD_MAX_OPTS	24
/* getopt_long's value for option i of a table without a short name */
#define LONG_ONLY(i)	(256 + (int)(i))

static unsigned int nr_opts(const struct cmd_spec *spec)
{
	unsigned int n = 0;

	while (spec->opts && spec->opts[n].name)
		n++;
	return n;
}

static void opt_synopsis(const struct cmd_opt *o, FILE *f)
{
	if (o->short_name)
		fprintf(f, "-%c|", o->short_name);
	fprintf(f, "--%s", o->name);
	if (o->value)
		fprintf(f, " %s", o->value);
}

/* Operands first ("DEVICE...|--all"), then each option or OR group. */
void cmd_synopsis(const struct cmd_spec *spec, FILE *f)
{
	const struct cmd_opt *o = spec->opts;
	unsigned int i, j, n = nr_opts(spec);
	const char *sep = "";

	if (spec->operands) {
		fputs(spec->operands, f);
		for (i = 0; i < n; i++) {
			if (o[i].flags & OPT_OR_OPERANDS) {
				fputc('|', f);
				opt_synopsis(&o[i], f);
			}
		}
		sep = " ";
	}
	for (i = 0; i < n; i++) {
		bool required = o[i].flags & OPT_REQUIRED;

		if (o[i].flags & (OPT_OR_PREV | OPT_OR_OPERANDS))
			continue;
		fprintf(f, "%s%s", sep, required ? "" : "[");
		opt_synopsis(&o[i], f);
		for (j = i + 1; j < n && (o[j].flags & OPT_OR_PREV); j++) {
			fputc('|', f);
			opt_synopsis(&o[j], f);
		}
		fputs(required ? "" : "]", f);
		sep = " ";
	}
}

/* "  -o, --output COLUMNS" into @buf, for the option list of --help. */
static int opt_help_name(const struct cmd_opt *o, char *buf, size_t len)
{
	return snprintf(buf, len, "  %c%c%c --%s%s%s", o->short_name ? '-' : ' ',
			o->short_name ? o->short_name : ' ', o->short_name ? ',' : ' ',
			o->name, o->value ? " " : "", o->value ? o->value : "");
}

void cmd_help(const struct cmd_spec *spec, FILE *f)
{
	static const struct cmd_opt help = { "help", 'h', NULL, "print this help", 0 };
	unsigned int i, n = nr_opts(spec);
	int width = opt_help_name(&help, NULL, 0);
	char name[128];

	for (i = 0; i < n; i++)
		if (opt_help_name(&spec->opts[i], NULL, 0) > width)
			width = opt_help_name(&spec->opts[i], NULL, 0);
	fprintf(f, "usage: pmemctl %s%s", spec->name, n || spec->operands ? " " : "");
	cmd_synopsis(spec, f);
	fprintf(f, "\n\n%s\n\noptions:\n", spec->summary);
	for (i = 0; i <= n; i++) {
		const struct cmd_opt *o = i < n ? &spec->opts[i] : &help;

		opt_help_name(o, name, sizeof(name));
		fprintf(f, "%-*s  %s\n", width, name, o->help);
	}
}

static void vusage_error(const struct cmd_spec *spec, const char *fmt, va_list ap)
{
	fprintf(stderr, "pmemctl %s: ", spec->name);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nusage: pmemctl %s%s", spec->name,
		spec->operands || spec->opts ? " " : "");
	cmd_synopsis(spec, stderr);
	fprintf(stderr, "\n");
}

int cmd_usage_error(const struct cmd_spec *spec, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vusage_error(spec, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

/* getopt_long's tables from @spec's: long options, and ":h" plus the short ones. */
static void build_getopt(const struct cmd_spec *spec, struct option *lo, char *so)
{
	unsigned int i, n = nr_opts(spec);

	*so++ = ':';
	*so++ = 'h';
	for (i = 0; i < n; i++) {
		const struct cmd_opt *o = &spec->opts[i];

		lo[i] = (struct option){ o->name, o->value ? required_argument : no_argument,
					 NULL, o->short_name ? (int)o->short_name : LONG_ONLY(i) };
		if (o->short_name) {
			*so++ = o->short_name;
			if (o->value)
				*so++ = ':';
		}
	}
	lo[n] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n + 1] = (struct option){ NULL, 0, NULL, 0 };
	*so = '\0';
}

/* The index in @spec->opts of what getopt_long returned. */
static unsigned int opt_index(const struct cmd_spec *spec, int c)
{
	unsigned int i;

	if (c >= LONG_ONLY(0))
		return c - LONG_ONLY(0);
	for (i = 0; spec->opts[i].short_name != c; i++)
		;
	return i;
}

/* Each OR group, required option and operand count, against what was given. */
static int check_given(const struct cmd_spec *spec, const bool *seen, char **operands, int nr)
{
	const struct cmd_opt *o = spec->opts;
	unsigned int i, j, n = nr_opts(spec), given;
	bool instead = false;

	for (i = 0; i < n; i++) {
		if (o[i].flags & OPT_OR_PREV)
			continue;
		for (j = i, given = 0; j < n && (j == i || (o[j].flags & OPT_OR_PREV)); j++)
			given += seen[j];
		if (given > 1)
			return cmd_usage_error(spec, "--%s and --%s exclude each other",
					       o[i].name, o[i + 1].name);
		if (!given && (o[i].flags & OPT_REQUIRED))
			return j > i + 1 ?
				cmd_usage_error(spec, "--%s or --%s is required",
						o[i].name, o[i + 1].name) :
				cmd_usage_error(spec, "--%s is required", o[i].name);
		if (seen[i] && (o[i].flags & OPT_OR_OPERANDS)) {
			if (nr)
				return cmd_usage_error(spec, "%s or --%s, not both",
						       spec->operands, o[i].name);
			instead = true;
		}
	}
	if (nr > (int)spec->max_operands)
		return spec->max_operands > 1 ?
			cmd_usage_error(spec, "at most %u at once", spec->max_operands) :
			cmd_usage_error(spec, "unexpected argument '%s'",
					operands[spec->max_operands]);
	if (nr < (int)spec->min_operands && !instead)
		return cmd_usage_error(spec, "missing %s", spec->operands);
	return 0;
}

int cmd_parse(const struct cmd_spec *spec, int argc, char **argv, cmd_set_fn set,
	      void *ctx, char ***operands, int *nr_operands)
{
	struct option lo[CMD_MAX_OPTS + 2];
	char so[2 * CMD_MAX_OPTS + 3];
	bool seen[CMD_MAX_OPTS] = { false };
	unsigned int i;
	int c, rc;

	build_getopt(spec, lo, so);
	optind = 0;	/* glibc: start over, also for a second parse */
	opterr = 0;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		if (c == 'h') {
			cmd_help(spec, stdout);
			return CMD_HELP_SHOWN;
		}
		if (c == ':')
			return cmd_usage_error(spec, "no value for %s", argv[optind - 1]);
		if (c == '?' && optopt > 0 && optopt < 256)
			return cmd_usage_error(spec, "unknown option '-%c'", optopt);
		if (c == '?')
			return cmd_usage_error(spec, "unknown option '%s'", argv[optind - 1]);
		i = opt_index(spec, c);
		seen[i] = true;
		rc = set(ctx, i, spec->opts[i].value ? optarg : NULL);
		if (rc == CMD_BAD_VALUE)
			return cmd_usage_error(spec, "bad value '%s' for --%s", optarg,
					       spec->opts[i].name);
		if (rc)
			return rc;
	}
	*operands = argv + optind;
	*nr_operands = argc - optind;
	return check_given(spec, seen, *operands, *nr_operands);
}
