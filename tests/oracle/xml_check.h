/*
 * tests/oracle/xml_check.h - an XML 1.0 well-formedness checker that also
 * builds a small tree, for checking junit.xml without libxml2: one root,
 * balanced tags, quoted attributes without '<' and without duplicates,
 * only the five predefined entities and character references to legal
 * characters, valid UTF-8 and only legal XML characters, no "]]>" in text.
 */
#ifndef HIPERF_TESTS_XML_CHECK_H
#define HIPERF_TESTS_XML_CHECK_H

#include <stdbool.h>
#include <stddef.h>

struct xml_node {
    char *name;
    char **attr_names, **attr_values;   /* decoded */
    size_t nattrs;
    struct xml_node **children;
    size_t nchildren;
    char *text;                          /* decoded character data, concatenated */
};

/* Parses a whole document; NULL with "line L: what" in err. */
struct xml_node *xml_parse(const char *text, size_t len, char *err, size_t errsize);
void xml_free(struct xml_node *n);
const char *xml_attr(const struct xml_node *n, const char *name);
/* The number of children named name. */
size_t xml_count(const struct xml_node *n, const char *name);
const struct xml_node *xml_child(const struct xml_node *n, const char *name);

#endif
