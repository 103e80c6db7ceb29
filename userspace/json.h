/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemctl's one JSON writer: pretty-printed, strings escaped, commas and
 * nesting tracked for the caller.
 */
#ifndef _PMEMCTL_JSON_H
#define _PMEMCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The version of every --json document's shape: {"schema": 1, ...}. */
#define JSON_SCHEMA 1

struct json {
	FILE *f;
	int depth;
	bool first[16];		/* no member written yet at this depth */
};

void json_init(struct json *j, FILE *f);
void json_object_begin(struct json *j, const char *key);	/* key NULL: a value */
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_string(struct json *j, const char *key, const char *value);	/* NULL: null */
void json_u64(struct json *j, const char *key, uint64_t value);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);
void json_end(struct json *j);	/* final newline */

#endif /* _PMEMCTL_JSON_H */
