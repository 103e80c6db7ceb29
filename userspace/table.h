/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemctl's one table printer: rows of strings, columns as wide as their
 * widest cell.
 */
#ifndef _PMEMCTL_TABLE_H
#define _PMEMCTL_TABLE_H

#include <stdio.h>

#define TABLE_MAX_COLS	16
#define TABLE_CELL	64

struct table {
	int cols, rows, cap;
	const char *head[TABLE_MAX_COLS];
	char (*cells)[TABLE_MAX_COLS][TABLE_CELL];
};

/* Columns from a NULL-terminated list of headings. */
void table_init(struct table *t, const char *const *head);
/* Add a row; the printf-style cells follow one per column. */
int table_row(struct table *t, ...);
void table_print(const struct table *t, FILE *f);
void table_free(struct table *t);

/* "1.5 GiB"-style sizes for humans (JSON always has bytes). */
void format_size(char *buf, size_t len, unsigned long long bytes);

#endif /* _PMEMCTL_TABLE_H */
