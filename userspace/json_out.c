// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl's --json documents on json-c. See json_out.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"
#include "json_out.h"

/* json-c returns NULL only when out of memory: nothing sensible is left. */
static struct json_object *must(struct json_object *o)
{
	if (!o) {
		fprintf(stderr, "pmemctl: out of memory\n");
		exit(EXIT_REFUSED);
	}
	return o;
}

/* @value under @key of the object @o, or appended when @o is an array. */
static struct json_object *put(struct json_object *o, const char *key,
			       struct json_object *value)
{
	int rc;

	if (json_object_is_type(o, json_type_array))
		rc = json_object_array_add(o, value);
	else
		rc = json_object_object_add(o, key, value);
	if (rc) {
		json_object_put(value);
		must(NULL);
	}
	return value;
}

struct json_object *json_document(void)
{
	struct json_object *doc = must(json_object_new_object());

	json_add_u64(doc, "schema", PMEMCTL_JSON_SCHEMA);
	return doc;
}

struct json_object *json_listing(const char *key, struct json_object **array)
{
	struct json_object *doc = json_document();

	*array = json_add_array(doc, key);
	return doc;
}

void json_print(struct json_object *doc)
{
	puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
					    JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
}

void json_add_u64(struct json_object *o, const char *key, uint64_t value)
{
	put(o, key, must(json_object_new_uint64(value)));
}

void json_add_string(struct json_object *o, const char *key, const char *value)
{
	put(o, key, value ? must(json_object_new_string(value)) : NULL);
}

void json_add_bool(struct json_object *o, const char *key, bool value)
{
	put(o, key, must(json_object_new_boolean(value)));
}

void json_add_null(struct json_object *o, const char *key)
{
	put(o, key, NULL);
}

struct json_object *json_add_object(struct json_object *o, const char *key)
{
	return put(o, key, must(json_object_new_object()));
}

struct json_object *json_add_array(struct json_object *o, const char *key)
{
	return put(o, key, must(json_object_new_array()));
}

void json_append_string(struct json_object *array, const char *value)
{
	json_add_string(array, NULL, value);
}
