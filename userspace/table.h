/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemctl's one table printer, on libsmartcols (what lsblk uses, with its
 * conventions): each command describes its columns once; -o/--output picks
 * and orders them by name, --noheadings, --raw and --bytes change how they
 * print. Cells are set by column, so a row cannot lose or shift one, and a
 * cell is never cut.
 */
#ifndef _PMEMCTL_TABLE_H
#define _PMEMCTL_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#define TABLE_MAX_COLS	32

/* flags of a column */
#define TABLE_RIGHT	(1U << 0)	/* numbers: aligned to the right */

struct table_column {
	const char *name;	/* its heading, and the name -o takes (any case) */
	unsigned int flags;
};

/* How a table prints: what -o, --noheadings, --raw and --bytes said. */
struct table_opts {
	const char *output;	/* comma-separated column names; NULL: all */
	bool noheadings;
	bool raw;
	bool bytes;		/* sizes in bytes, not "1.5 GiB" */
};

struct libscols_table;
struct libscols_column;
struct libscols_line;

struct table {
	struct libscols_table *tb;
	const struct table_column *cols;
	unsigned int ncols;
	struct libscols_column *shown[TABLE_MAX_COLS];	/* by column; NULL: not shown */
	struct libscols_line *line;			/* the row being filled */
	bool bytes;
};

/*
 * A table of the @ncols columns @cols, shown as @o says (NULL: all columns,
 * headings, human sizes). Returns 0, or EXIT_USAGE with a message naming
 * an unknown column.
 */
int table_init(struct table *t, const struct table_column *cols, unsigned int ncols,
	       const struct table_opts *o);
/* Start a new row; its cells are "-" until set. */
void table_row(struct table *t);
/* Set the cell of column @col in the current row (NULL: "-"). */
void table_cell(struct table *t, unsigned int col, const char *value);
void table_cellf(struct table *t, unsigned int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A size: "1.5 GiB", or bytes with --bytes. */
void table_size(struct table *t, unsigned int col, unsigned long long bytes);
/* Print on @f and free the table. */
void table_print(struct table *t, FILE *f);

/* "1.5 GiB"-style sizes for humans (JSON always has bytes). */
void format_size(char *buf, size_t len, unsigned long long bytes);

#endif /* _PMEMCTL_TABLE_H */
