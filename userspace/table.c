// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl's table printer on libsmartcols. See table.h.
 */
#define _GNU_SOURCE	/* vasprintf */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libsmartcols.h>

#include "ctl.h"
#include "table.h"

/* libsmartcols fails only when out of memory: nothing sensible is left. */
static void *must(void *p)
{
	if (!p) {
		fprintf(stderr, "pmemctl: out of memory\n");
		exit(EXIT_REFUSED);
	}
	return p;
}

static int column_by_name(const struct table *t, const char *name, size_t len)
{
	unsigned int c;

	for (c = 0; c < t->ncols; c++)
		if (strlen(t->cols[c].name) == len && !strncasecmp(t->cols[c].name, name, len))
			return c;
	return -1;
}

static void show(struct table *t, unsigned int c)
{
	int flags = t->cols[c].flags & TABLE_RIGHT ? SCOLS_FL_RIGHT : 0;

	t->shown[c] = must(scols_table_new_column(t->tb, t->cols[c].name, 0, flags));
}

static void unknown_column(const struct table *t, const char *name, size_t len)
{
	unsigned int c;

	fprintf(stderr, "pmemctl: unknown column '%.*s'; the columns are:", (int)len, name);
	for (c = 0; c < t->ncols; c++)
		fprintf(stderr, " %s", t->cols[c].name);
	fputc('\n', stderr);
}

/* The columns -o names, in its order. */
static int show_output(struct table *t, const char *list)
{
	const char *p = list;
	size_t len;
	int c;

	for (;;) {
		len = strcspn(p, ",");
		c = column_by_name(t, p, len);
		if (c < 0) {
			unknown_column(t, p, len);
			return EXIT_USAGE;
		}
		if (t->shown[c]) {
			fprintf(stderr, "pmemctl: column %s named twice\n", t->cols[c].name);
			return EXIT_USAGE;
		}
		show(t, c);
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

int table_init(struct table *t, const struct table_column *cols, unsigned int ncols,
	       const struct table_opts *o)
{
	unsigned int c;
	int rc = 0;

	if (ncols > TABLE_MAX_COLS) {
		fprintf(stderr, "pmemctl: internal error: a table of more than %d columns\n",
			TABLE_MAX_COLS);
		abort();
	}
	memset(t, 0, sizeof(*t));
	t->cols = cols;
	t->ncols = ncols;
	t->bytes = o && o->bytes;
	t->tb = must(scols_new_table());
	scols_table_enable_noheadings(t->tb, o && o->noheadings);
	scols_table_enable_raw(t->tb, o && o->raw);
	if (o && o->output)
		rc = show_output(t, o->output);
	else
		for (c = 0; c < ncols; c++)
			show(t, c);
	if (rc)
		scols_unref_table(t->tb);
	return rc;
}

void table_row(struct table *t)
{
	unsigned int c;

	t->line = must(scols_table_new_line(t->tb, NULL));
	for (c = 0; c < t->ncols; c++)
		table_cell(t, c, NULL);
}

void table_cell(struct table *t, unsigned int col, const char *value)
{
	if (col >= t->ncols || !t->shown[col])
		return;
	if (scols_line_set_column_data(t->line, t->shown[col], value ? value : "-"))
		must(NULL);
}

void table_cellf(struct table *t, unsigned int col, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		must(NULL);
	va_end(ap);
	table_cell(t, col, s);
	free(s);
}

void table_size(struct table *t, unsigned int col, unsigned long long bytes)
{
	char buf[32];

	if (t->bytes)
		snprintf(buf, sizeof(buf), "%llu", bytes);
	else
		format_size(buf, sizeof(buf), bytes);
	table_cell(t, col, buf);
}

void table_print(struct table *t, FILE *f)
{
	scols_table_set_stream(t->tb, f);
	scols_print_table(t->tb);
	scols_unref_table(t->tb);
	t->tb = NULL;
}

void format_size(char *buf, size_t len, unsigned long long bytes)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = bytes;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (v == (unsigned long long)v)
		snprintf(buf, len, "%llu %s", (unsigned long long)v, unit[u]);
	else
		snprintf(buf, len, "%.2f %s", v, unit[u]);
}
