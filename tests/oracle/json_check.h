/*
 * tests/oracle/json_check.h - a strict JSON parser (RFC 8259: UTF-8, no
 * trailing commas, escaped control characters, no duplicate keys) and a
 * validator for the subset of JSON Schema 2020-12 that
 * reports/report.schema.json uses, so the report is checked against its
 * schema without Python at test time.
 */
#ifndef HIPERF_TESTS_JSON_CHECK_H
#define HIPERF_TESTS_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
    enum json_type type;
    bool b;
    double num;
    bool integral;               /* written without fraction or exponent */
    char *str;                   /* decoded UTF-8 */
    size_t len;
    struct json **items;         /* array items, or object values */
    char **keys;                 /* object keys */
    size_t n;
};

/* Parses text; NULL with a message "offset N: what" in err. */
struct json *json_parse(const char *text, size_t len, char *err, size_t errsize);
void json_free(struct json *j);
/* An object's member or NULL. */
const struct json *json_get(const struct json *obj, const char *key);

/* Validates instance against schema (root for $ref); false with the JSON
 * path and the reason in err. */
bool json_validate(const struct json *schema, const struct json *instance, char *err, size_t errsize);

#endif
