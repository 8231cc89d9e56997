/*
 * mocks/mof_private.h - what the MOF reader (mof_lex.c, mof_parse.c) and the
 * repository (repo.c) share and nobody else sees: the repository's layout,
 * the lexer's tokens, and the few repository helpers the reader calls.
 *
 * Nothing here is part of the contract in repo.h; the object model must not
 * include this file.
 */
#ifndef HIPERF_MOCKS_MOF_PRIVATE_H
#define HIPERF_MOCKS_MOF_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cim.h"
#include "repo.h"
#include "util.h"

/* ---- The repository's layout --------------------------------------------- */

/* A qualifier declaration (`qualifier Name : type = default, flavor(...)`).
 * type is CIM_EMPTY for the untyped WMI short form `qualifier x:ToInstance;`. */
struct repo_qual_decl {
    char *name;
    CIMTYPE type;
    struct cim_value def;
    LONG flavor;
};

/* An instance with what only the reader and the provider linking need: where
 * each value was written (for messages) and bookkeeping of the load. */
struct repo_inst_priv {
    struct repo_instance pub;
    struct repo_pos *vpos;  /* nprops positions; line 0 = not set in the MOF */
    unsigned load_id;       /* which mof_load_* call created it */
    unsigned pending_keys;  /* key values still waiting for an alias */
    bool linked;            /* provider linking has seen it */
};

/* Containers hold pointers so that everything a lookup hands out stays where
 * it is until repo_free(); what a MOF deletes or replaces moves to the
 * `dead_*` lists instead of being freed. */
struct repo {
    HP_VEC(struct repo_class *) classes;
    HP_VEC(struct repo_instance *) instances;
    HP_VEC(struct repo_provider *) providers;
    HP_VEC(char *) files;
    HP_VEC(struct repo_qual_decl) qdecls;
    HP_VEC(struct repo_class *) dead_classes;
    HP_VEC(struct repo_instance *) dead_instances;
    HP_VEC(struct repo_provider *) dead_providers;
    char *ns;               /* last #pragma namespace */
    unsigned next_load_id;
};

static inline struct repo_inst_priv *inst_priv(const struct repo_instance *inst)
{
    return (struct repo_inst_priv *)(void *)((char *)(uintptr_t)inst - offsetof(struct repo_inst_priv, pub));
}

/* repo.c */
const char *repo_intern_file(struct repo *repo, const char *name);    /* borrowed; NULL on ENOMEM */
void repo_qualifiers_clear(struct repo_qualifiers *q);
int repo_qualifiers_copy(struct repo_qualifiers *dst, const struct repo_qualifiers *src);
void repo_class_destroy(struct repo_class *cls);
void repo_instance_destroy(struct repo_instance *inst);
struct repo_qual_decl *repo_qual_decl_find(struct repo *repo, const char *name);
/* Parses "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}"; false if malformed. */
bool repo_parse_guid(const char *s, GUID *out);
/* An object path "[\\server\ns:]Class.Key=Value,..." (or "Class=Value",
 * "Class=@"): the class name and the key/value texts, all owned. */
struct repo_path_key {
    char *name;   /* NULL for the "Class=Value" short form */
    char *value;  /* unescaped text of the value */
    bool quoted;
};
struct repo_path {
    char *cls;
    size_t nkeys;
    struct repo_path_key *keys;
    bool singleton;  /* "Class=@" */
};
int repo_path_parse(const char *s, struct repo_path *out);   /* 0, HP_EINVAL or HP_ENOMEM; no message */
void repo_path_clear(struct repo_path *p);
/* The relative object path of an instance, keys in alphabetical order, e.g.
 * `__Win32Provider.Name="X"`; `Class=@` for a keyless one.  Owned, NULL on
 * ENOMEM. */
char *repo_instance_path(const struct repo_instance *inst);
/* Whether inst is the instance a parsed path names. */
bool repo_instance_matches_path(const struct repo_instance *inst, const struct repo_path *path);
/* Creates providers from the instances not linked yet and links their
 * registrations; errors at the offending value's position. */
int repo_link_providers(struct repo *repo);
/* Moves an instance / a class (with its subclasses and their instances) to
 * the dead lists. */
int repo_retire_instance(struct repo *repo, struct repo_instance *inst);
int repo_retire_class(struct repo *repo, struct repo_class *cls);

/* mof_parse.c: the system and performance classes, read from built-in MOF. */
int mof_load_system(struct repo *repo);

/* ---- Tokens (mof_lex.c) -------------------------------------------------- */

enum mof_tok {
    MOF_T_EOF,
    MOF_T_IDENT,   /* text/len */
    MOF_T_ALIAS,   /* $Name: text/len without the '$' */
    MOF_T_INT,     /* mag, neg, overflow */
    MOF_T_REAL,    /* real */
    MOF_T_STRING,  /* str (owned, UTF-8) */
    MOF_T_CHAR,    /* ch (one UTF-16 unit) */
    MOF_T_PUNCT    /* punct: { } [ ] ( ) ; : , = # */
};

struct mof_token {
    enum mof_tok kind;
    unsigned line, col;
    const char *text;   /* into the lexer's buffer */
    size_t len;
    uint64_t mag;
    bool neg, overflow;
    double real;
    char *str;          /* owned by the token */
    uint16_t ch;
    char punct;
};

struct mof_lexer {
    const char *file;   /* for messages (borrowed) */
    char *buf;          /* the text as UTF-8 (owned) */
    const char *p, *end;
    unsigned line, col;
};

/* Takes the raw bytes of a file: detects a UTF-8 or UTF-16 BOM, converts
 * UTF-16 and non-UTF-8 (Windows-1252) text to UTF-8.  0 or HP_EPARSE /
 * HP_ENOMEM with a positioned message. */
int mof_lex_init(struct mof_lexer *lx, const char *file, const char *data, size_t len);
void mof_lex_free(struct mof_lexer *lx);
/* The next token into *t (whose previous str the caller has freed).  0 or
 * HP_EPARSE / HP_ENOMEM with the message at the offending character. */
int mof_lex_next(struct mof_lexer *lx, struct mof_token *t);

#endif
