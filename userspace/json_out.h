/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemctl's --json documents, built with json-c: every document is one
 * object whose first key is "schema" (PMEMCTL_JSON_SCHEMA), printed with
 * two-space indentation and one "key": value a line (the bash completion
 * reads it that way). The shapes are described by userspace/schema/.
 */
#ifndef _PMEMCTL_JSON_OUT_H
#define _PMEMCTL_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

/* The version of every --json document's shape: {"schema": 1, ...}. */
#define PMEMCTL_JSON_SCHEMA 1

/* {"schema": PMEMCTL_JSON_SCHEMA}, to add the rest to. */
struct json_object *json_document(void);
/* {"schema": ..., "<key>": []}; *@array is that array. */
struct json_object *json_listing(const char *key, struct json_object **array);
/* Print @doc on stdout and free it. */
void json_print(struct json_object *doc);

/* Members of an object; a NULL string is written as null. */
void json_add_u64(struct json_object *o, const char *key, uint64_t value);
void json_add_string(struct json_object *o, const char *key, const char *value);
void json_add_bool(struct json_object *o, const char *key, bool value);
void json_add_null(struct json_object *o, const char *key);
/* A new empty object or array as member @key of @o (key NULL: appended to
 * the array @o). */
struct json_object *json_add_object(struct json_object *o, const char *key);
struct json_object *json_add_array(struct json_object *o, const char *key);
/* A string appended to an array. */
void json_append_string(struct json_object *array, const char *value);

#endif /* _PMEMCTL_JSON_OUT_H */
