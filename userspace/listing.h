/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemctl devices | regions | list: the listings of a fetched state, as
 * tables (list_table.c) or as JSON (list_json.c), apart from fetching it so
 * that host tests can print synthetic states.
 */
#ifndef _PMEMCTL_LISTING_H
#define _PMEMCTL_LISTING_H

#include <stdio.h>

#include "query.h"
#include "table.h"

void print_devices_json(const struct pmem_state *st);
void print_regions_json(const struct pmem_state *st);
void print_disks_json(const struct pmem_state *st);

/* Tables on @f as @o says; 0, or EXIT_USAGE for an unknown column. */
int print_devices_table(const struct pmem_state *st, const struct table_opts *o, FILE *f);
int print_regions_table(const struct pmem_state *st, const struct table_opts *o, FILE *f);
int print_disks_table(const struct pmem_state *st, const struct table_opts *o, FILE *f);

/* The columns of each table, in their default order (pmemctl(8) has them). */
extern const struct table_column device_columns[];
extern const unsigned int nr_device_columns;
extern const struct table_column region_columns[];
extern const unsigned int nr_region_columns;
extern const struct table_column disk_columns[];
extern const unsigned int nr_disk_columns;

#endif /* _PMEMCTL_LISTING_H */
