// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl's table printer. See table.h.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

void table_init(struct table *t, const char *const *head)
{
	memset(t, 0, sizeof(*t));
	while (head[t->cols] && t->cols < TABLE_MAX_COLS) {
		t->head[t->cols] = head[t->cols];
		t->cols++;
	}
	/* a column more than fits would vanish from every row: a bug here */
	if (head[t->cols]) {
		fprintf(stderr, "pmemctl: internal error: a table of more than %d columns\n",
			TABLE_MAX_COLS);
		abort();
	}
}

int table_row(struct table *t, ...)
{
	va_list ap;
	int c;

	if (t->rows == t->cap) {
		int cap = t->cap ? 2 * t->cap : 16;
		void *p = realloc(t->cells, cap * sizeof(*t->cells));

		if (!p)
			return -1;
		t->cells = p;
		t->cap = cap;
	}
	va_start(ap, t);
	for (c = 0; c < t->cols; c++) {
		const char *s = va_arg(ap, const char *);

		snprintf(t->cells[t->rows][c], TABLE_CELL, "%s", s ? s : "-");
	}
	va_end(ap);
	t->rows++;
	return 0;
}

void table_print(const struct table *t, FILE *f)
{
	size_t width[TABLE_MAX_COLS];
	int r, c;

	for (c = 0; c < t->cols; c++) {
		width[c] = strlen(t->head[c]);
		for (r = 0; r < t->rows; r++)
			if (strlen(t->cells[r][c]) > width[c])
				width[c] = strlen(t->cells[r][c]);
	}
	for (c = 0; c < t->cols; c++)
		fprintf(f, "%-*s%s", (int)width[c], t->head[c], c + 1 < t->cols ? "  " : "\n");
	for (r = 0; r < t->rows; r++)
		for (c = 0; c < t->cols; c++)
			fprintf(f, "%-*s%s", (int)width[c], t->cells[r][c],
				c + 1 < t->cols ? "  " : "\n");
}

void table_free(struct table *t)
{
	free(t->cells);
	t->cells = NULL;
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
