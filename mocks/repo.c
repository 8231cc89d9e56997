/*
 * mocks/repo.c - the repository: what the MOF reader built, the lookups the
 * object model and the host make, object paths, and provider resolution
 * (which __Win32Provider instance a registration names, what its CLSIDs
 * are, which classes it serves).
 *
 * Invariant: every pointer a lookup has handed out stays valid until
 * repo_free(): classes, instances and providers are allocated one by one and
 * never freed before then; what a MOF deletes or replaces moves to the
 * repository's dead lists.  Every provider in the list has a live
 * __Win32Provider instance with a non-NULL Name, and a CLSID the MOF gave is
 * well formed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mof_private.h"

/* ---- Life cycle ------------------------------------------------------------- */

struct repo *repo_new(void)
{
    struct repo *repo = calloc(1, sizeof *repo);
    if (!repo) {
        hp_error_set(HP_ENOMEM, "out of memory");
        return NULL;
    }
    if (!(repo->ns = hp_strdup("root\\default"))) {
        repo_free(repo);
        hp_error_set(HP_ENOMEM, "out of memory");
        return NULL;
    }
    /* The built-in MOF is ours: only a failed allocation can stop it. */
    if (mof_load_system(repo) != 0) {
        repo_free(repo);
        return NULL;
    }
    return repo;
}

void repo_qualifiers_clear(struct repo_qualifiers *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->v[i].name);
        cim_value_clear(&q->v[i].value);
    }
    free(q->v);
    q->v = NULL;
    q->n = 0;
}

int repo_qualifiers_copy(struct repo_qualifiers *dst, const struct repo_qualifiers *src)
{
    dst->n = 0;
    dst->v = NULL;
    if (!src->n)
        return 0;
    if (!(dst->v = calloc(src->n, sizeof *dst->v)))
        return hp_error_set(HP_ENOMEM, "out of memory");
    for (size_t i = 0; i < src->n; i++) {
        struct repo_qualifier *d = &dst->v[i];
        d->flavor = src->v[i].flavor;
        d->value = cim_null(src->v[i].value.type);
        dst->n = i + 1;
        if (!(d->name = hp_strdup(src->v[i].name)) || cim_value_copy(&d->value, &src->v[i].value) != 0) {
            repo_qualifiers_clear(dst);
            return hp_error_set(HP_ENOMEM, "out of memory");
        }
    }
    return 0;
}

void repo_class_destroy(struct repo_class *cls)
{
    if (!cls)
        return;
    free(cls->name);
    free(cls->super_name);
    free(cls->ns);
    repo_qualifiers_clear(&cls->quals);
    for (size_t i = 0; i < cls->nprops; i++) {
        struct repo_property *p = &cls->props[i];
        free(p->name);
        free(p->ref_class);
        cim_value_clear(&p->value);
        repo_qualifiers_clear(&p->quals);
    }
    free(cls->props);
    free(cls);
}

void repo_instance_destroy(struct repo_instance *inst)
{
    if (!inst)
        return;
    struct repo_inst_priv *ip = inst_priv(inst);
    if (inst->values)
        for (size_t i = 0; i < inst->cls->nprops; i++)
            cim_value_clear(&inst->values[i]);
    free(inst->values);
    free(inst->set);
    free(inst->alias);
    free(inst->ns);
    free(ip->vpos);
    free(ip);
}

void repo_free(struct repo *repo)
{
    if (!repo)
        return;
    /* Instances first: they point at their classes. */
    for (size_t i = 0; i < repo->instances.n; i++)
        repo_instance_destroy(repo->instances.v[i]);
    for (size_t i = 0; i < repo->dead_instances.n; i++)
        repo_instance_destroy(repo->dead_instances.v[i]);
    for (size_t i = 0; i < repo->classes.n; i++)
        repo_class_destroy(repo->classes.v[i]);
    for (size_t i = 0; i < repo->dead_classes.n; i++)
        repo_class_destroy(repo->dead_classes.v[i]);
    for (size_t i = 0; i < repo->providers.n; i++)
        free(repo->providers.v[i]);
    for (size_t i = 0; i < repo->dead_providers.n; i++)
        free(repo->dead_providers.v[i]);
    for (size_t i = 0; i < repo->files.n; i++)
        free(repo->files.v[i]);
    for (size_t i = 0; i < repo->qdecls.n; i++) {
        free(repo->qdecls.v[i].name);
        cim_value_clear(&repo->qdecls.v[i].def);
    }
    free(repo->instances.v);
    free(repo->dead_instances.v);
    free(repo->classes.v);
    free(repo->dead_classes.v);
    free(repo->providers.v);
    free(repo->dead_providers.v);
    free(repo->files.v);
    free(repo->qdecls.v);
    free(repo->ns);
    free(repo);
}

const char *repo_intern_file(struct repo *repo, const char *name)
{
    for (size_t i = 0; i < repo->files.n; i++)
        if (strcmp(repo->files.v[i], name) == 0)
            return repo->files.v[i];
    char *s = hp_strdup(name);
    if (!s || HP_VEC_PUSH(&repo->files, s) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

struct repo_qual_decl *repo_qual_decl_find(struct repo *repo, const char *name)
{
    for (size_t i = 0; i < repo->qdecls.n; i++)
        if (hp_streqi(repo->qdecls.v[i].name, name))
            return &repo->qdecls.v[i];
    return NULL;
}

/* ---- Deleting ----------------------------------------------------------------- */

static void retire_providers_of(struct repo *repo, const struct repo_instance *inst)
{
    for (size_t i = 0; i < repo->providers.n;) {
        struct repo_provider *pv = repo->providers.v[i];
        if (pv->inst == inst) {
            /* The dead list was grown before, so this push cannot fail. */
            if (HP_VEC_PUSH(&repo->dead_providers, pv) != 0)
                return;
            memmove(&repo->providers.v[i], &repo->providers.v[i + 1],
                    (repo->providers.n - i - 1) * sizeof *repo->providers.v);
            repo->providers.n--;
        } else {
            i++;
        }
    }
}

int repo_retire_instance(struct repo *repo, struct repo_instance *inst)
{
    size_t i = 0;
    while (i < repo->instances.n && repo->instances.v[i] != inst)
        i++;
    if (i == repo->instances.n)
        return 0;
    if (hp_grow((void **)&repo->dead_providers.v, &repo->dead_providers.cap,
                repo->dead_providers.n + repo->providers.n, sizeof *repo->dead_providers.v) != 0 ||
        HP_VEC_PUSH(&repo->dead_instances, inst) != 0)
        return hp_error_set(HP_ENOMEM, "out of memory");
    memmove(&repo->instances.v[i], &repo->instances.v[i + 1], (repo->instances.n - i - 1) * sizeof *repo->instances.v);
    repo->instances.n--;
    retire_providers_of(repo, inst);
    return 0;
}

static bool derives_from(const struct repo_class *c, const struct repo_class *ancestor)
{
    for (; c; c = c->super)
        if (c == ancestor)
            return true;
    return false;
}

int repo_retire_class(struct repo *repo, struct repo_class *cls)
{
    for (size_t i = 0; i < repo->instances.n;) {
        struct repo_instance *inst = repo->instances.v[i];
        if (derives_from(inst->cls, cls)) {
            int rc = repo_retire_instance(repo, inst);
            if (rc)
                return rc;
        } else {
            i++;
        }
    }
    for (size_t i = 0; i < repo->classes.n;) {
        struct repo_class *c = repo->classes.v[i];
        if (derives_from(c, cls)) {
            if (HP_VEC_PUSH(&repo->dead_classes, c) != 0)
                return hp_error_set(HP_ENOMEM, "out of memory");
            memmove(&repo->classes.v[i], &repo->classes.v[i + 1], (repo->classes.n - i - 1) * sizeof *repo->classes.v);
            repo->classes.n--;
        } else {
            i++;
        }
    }
    return 0;
}

/* ---- Lookups ------------------------------------------------------------------ */

const char *repo_namespace(const struct repo *repo)
{
    return repo->ns;
}

size_t repo_class_count(const struct repo *repo)
{
    return repo->classes.n;
}

const struct repo_class *repo_class_at(const struct repo *repo, size_t i)
{
    return i < repo->classes.n ? repo->classes.v[i] : NULL;
}

const struct repo_class *repo_class(const struct repo *repo, const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < repo->classes.n; i++)
        if (hp_streqi(repo->classes.v[i]->name, name))
            return repo->classes.v[i];
    return NULL;
}

size_t repo_instance_count(const struct repo *repo)
{
    return repo->instances.n;
}

const struct repo_instance *repo_instance_at(const struct repo *repo, size_t i)
{
    return i < repo->instances.n ? repo->instances.v[i] : NULL;
}

size_t repo_provider_count(const struct repo *repo)
{
    return repo->providers.n;
}

const struct repo_provider *repo_provider_at(const struct repo *repo, size_t i)
{
    return i < repo->providers.n ? repo->providers.v[i] : NULL;
}

const struct repo_provider *repo_provider(const struct repo *repo, const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < repo->providers.n; i++)
        if (hp_streqi(repo->providers.v[i]->name, name))
            return repo->providers.v[i];
    return NULL;
}

bool repo_class_is_a(const struct repo_class *cls, const char *ancestor)
{
    for (; cls && ancestor; cls = cls->super)
        if (hp_streqi(cls->name, ancestor))
            return true;
    return false;
}

int repo_prop_index(const struct repo_class *cls, const char *name)
{
    if (!cls || !name)
        return -1;
    for (size_t i = 0; i < cls->nprops; i++)
        if (hp_streqi(cls->props[i].name, name))
            return (int)i;
    return -1;
}

static const struct repo_qualifier *find_qual(const struct repo_qualifiers *q, const char *name)
{
    for (size_t i = 0; i < q->n; i++)
        if (hp_streqi(q->v[i].name, name))
            return &q->v[i];
    return NULL;
}

/* The nearest class (itself first) that declares the qualifier decides: its
 * own, or an ancestor's that propagates to subclasses.  An inherited one is
 * returned as the ancestor stores it (without WBEM_FLAVOR_ORIGIN_PROPAGATED). */
const struct repo_qualifier *repo_class_qualifier(const struct repo_class *cls, const char *name)
{
    if (!cls || !name)
        return NULL;
    const struct repo_qualifier *q = find_qual(&cls->quals, name);
    if (q)
        return q;
    for (const struct repo_class *c = cls->super; c; c = c->super) {
        q = find_qual(&c->quals, name);
        if (q)
            return (q->flavor & WBEM_FLAVOR_FLAG_PROPAGATE_TO_DERIVED_CLASS) ? q : NULL;
    }
    return NULL;
}

const struct repo_qualifier *repo_prop_qualifier(const struct repo_property *p, const char *name)
{
    return p && name ? find_qual(&p->quals, name) : NULL;
}

const struct repo_provider *repo_provider_for_class(const struct repo *repo, const struct repo_class *cls)
{
    if (!cls || !cls->dynamic || !cls->provider)
        return NULL;
    return repo_provider(repo, cls->provider);
}

size_t repo_provider_classes(const struct repo *repo, const struct repo_provider *prov, const struct repo_class **out,
                             size_t max)
{
    size_t n = 0;
    if (!prov)
        return 0;
    for (size_t i = 0; i < repo->classes.n; i++) {
        const struct repo_class *c = repo->classes.v[i];
        if (c->dynamic && c->provider && hp_streqi(c->provider, prov->name)) {
            if (out && n < max)
                out[n] = c;
            n++;
        }
    }
    return n;
}

bool repo_provider_is_hiperf(const struct repo *repo, const struct repo_provider *prov)
{
    if (!prov || !prov->has_client_clsid)
        return false;
    for (size_t i = 0; i < repo->classes.n; i++) {
        const struct repo_class *c = repo->classes.v[i];
        if (c->dynamic && c->hiperf && c->provider && hp_streqi(c->provider, prov->name))
            return true;
    }
    return false;
}

/* ---- GUIDs and object paths --------------------------------------------------- */

static int hexdigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool hex_field(const char *s, int n, uint64_t *out)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) {
        int d = hexdigit(s[i]);
        if (d < 0)
            return false;
        v = v << 4 | (uint64_t)d;
    }
    *out = v;
    return true;
}

bool repo_parse_guid(const char *s, GUID *out)
{
    if (!s || strlen(s) != 38 || s[0] != '{' || s[37] != '}' || s[9] != '-' || s[14] != '-' || s[19] != '-' ||
        s[24] != '-')
        return false;
    uint64_t d1, d2, d3, b;
    GUID g;
    if (!hex_field(s + 1, 8, &d1) || !hex_field(s + 10, 4, &d2) || !hex_field(s + 15, 4, &d3))
        return false;
    g.Data1 = (DWORD)d1;
    g.Data2 = (WORD)d2;
    g.Data3 = (WORD)d3;
    static const int at[8] = {20, 22, 25, 27, 29, 31, 33, 35};
    for (int i = 0; i < 8; i++) {
        if (!hex_field(s + at[i], 2, &b))
            return false;
        g.Data4[i] = (BYTE)b;
    }
    *out = g;
    return true;
}

void repo_path_clear(struct repo_path *p)
{
    free(p->cls);
    for (size_t i = 0; i < p->nkeys; i++) {
        free(p->keys[i].name);
        free(p->keys[i].value);
    }
    free(p->keys);
    memset(p, 0, sizeof *p);
}

static bool path_ident_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

/* A key value at *ps: "quoted" with \" and \\ escapes, or bare up to ','. */
static int path_value(const char **ps, struct repo_path_key *k)
{
    const char *s = *ps;
    struct hp_buf b = {0};
    if (*s == '"') {
        s++;
        for (;; s++) {
            if (!*s) {
                hp_buf_free(&b);
                return HP_EINVAL;
            }
            if (*s == '"')
                break;
            if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                s++;
            hp_buf_putc(&b, *s);
        }
        s++;
        k->quoted = true;
    } else {
        const char *e = s;
        while (*e && *e != ',')
            e++;
        if (e == s)
            return HP_EINVAL;
        hp_buf_append(&b, s, (size_t)(e - s));
        s = e;
    }
    if (!(k->value = hp_buf_steal(&b)))
        return HP_ENOMEM;
    *ps = s;
    return 0;
}

int repo_path_parse(const char *s, struct repo_path *out)
{
    memset(out, 0, sizeof *out);
    const char *p = s;
    size_t cap = 0;
    int rc = HP_EINVAL;
    if ((p[0] == '\\' || p[0] == '/') && (p[1] == '\\' || p[1] == '/')) {
        const char *colon = strchr(p, ':');
        if (!colon)
            return HP_EINVAL;
        p = colon + 1;
    } else {
        size_t span = strcspn(p, ".=");
        const char *colon = memchr(p, ':', span);
        if (colon)
            p = colon + 1;
    }
    const char *c = p;
    while (path_ident_char(*p))
        p++;
    if (p == c || (*p != '.' && *p != '='))
        return HP_EINVAL;
    if (!(out->cls = hp_strndup(c, (size_t)(p - c))))
        return HP_ENOMEM;
    if (*p == '=') {
        p++;
        if (p[0] == '@' && !p[1]) {
            out->singleton = true;
            return 0;
        }
        if (!(out->keys = calloc(1, sizeof *out->keys))) {
            rc = HP_ENOMEM;
            goto fail;
        }
        out->nkeys = 1;
        if ((rc = path_value(&p, &out->keys[0])) != 0 || *p) {
            rc = rc ? rc : HP_EINVAL;
            goto fail;
        }
        return 0;
    }
    for (;;) {
        p++; /* '.' or ',' */
        const char *k = p;
        while (path_ident_char(*p))
            p++;
        if (p == k || *p != '=')
            goto fail;
        if (hp_grow((void **)&out->keys, &cap, out->nkeys + 1, sizeof *out->keys) != 0) {
            rc = HP_ENOMEM;
            goto fail;
        }
        struct repo_path_key *key = &out->keys[out->nkeys++];
        memset(key, 0, sizeof *key);
        if (!(key->name = hp_strndup(k, (size_t)(p - k)))) {
            rc = HP_ENOMEM;
            goto fail;
        }
        p++;
        if ((rc = path_value(&p, key)) != 0)
            goto fail;
        rc = HP_EINVAL;
        if (!*p)
            return 0;
        if (*p != ',')
            goto fail;
    }
fail:
    repo_path_clear(out);
    return rc;
}

/* A key value as an object path writes it. */
static void put_key_value(struct hp_buf *b, const struct cim_value *v)
{
    if (v->null) {
        hp_buf_puts(b, "NULL");
    } else if (cim_type_is_string(v->type)) {
        hp_buf_putc(b, '"');
        for (const char *s = v->v.s; *s; s++) {
            if (*s == '"' || *s == '\\')
                hp_buf_putc(b, '\\');
            hp_buf_putc(b, *s);
        }
        hp_buf_putc(b, '"');
    } else if (v->type == CIM_BOOLEAN) {
        hp_buf_puts(b, v->v.i ? "TRUE" : "FALSE");
    } else if (v->type == CIM_REAL32 || v->type == CIM_REAL64) {
        hp_buf_printf(b, "%.17g", v->v.r);
    } else if (cim_type_is_signed(v->type) || v->type == CIM_CHAR16) {
        hp_buf_printf(b, "%lld", (long long)v->v.i);
    } else if (cim_type_is_integer(v->type)) {
        hp_buf_printf(b, "%llu", (unsigned long long)v->v.u);
    } else {
        hp_buf_puts(b, "NULL");
    }
}

static size_t sorted_keys(const struct repo_class *cls, size_t *idx)
{
    size_t n = 0;
    for (size_t i = 0; i < cls->nprops; i++) {
        if (!cls->props[i].key || (cls->props[i].type & CIM_FLAG_ARRAY))
            continue;
        size_t j = n++;
        while (j > 0 && hp_stricmp(cls->props[idx[j - 1]].name, cls->props[i].name) > 0) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
    }
    return n;
}

char *repo_instance_path(const struct repo_instance *inst)
{
    const struct repo_class *cls = inst->cls;
    size_t *idx = calloc(cls->nprops ? cls->nprops : 1, sizeof *idx);
    if (!idx)
        return NULL;
    size_t n = sorted_keys(cls, idx);
    struct hp_buf b = {0};
    hp_buf_puts(&b, cls->name);
    if (!n)
        hp_buf_puts(&b, "=@");
    for (size_t i = 0; i < n; i++) {
        hp_buf_putc(&b, i ? ',' : '.');
        hp_buf_puts(&b, cls->props[idx[i]].name);
        hp_buf_putc(&b, '=');
        put_key_value(&b, &inst->values[idx[i]]);
    }
    free(idx);
    return hp_buf_steal(&b);
}

bool repo_instance_matches_path(const struct repo_instance *inst, const struct repo_path *path)
{
    const struct repo_class *cls = inst->cls;
    if (!repo_class_is_a(cls, path->cls))
        return false;
    size_t *idx = calloc(cls->nprops ? cls->nprops : 1, sizeof *idx);
    if (!idx)
        return false;
    size_t n = sorted_keys(cls, idx);
    bool ok = path->singleton ? n == 0 : path->nkeys == n;
    for (size_t i = 0; ok && i < path->nkeys; i++) {
        const struct repo_path_key *k = &path->keys[i];
        int pi = k->name ? repo_prop_index(cls, k->name) : (n == 1 ? (int)idx[0] : -1);
        if (pi < 0 || !cls->props[pi].key) {
            ok = false;
            break;
        }
        const struct cim_value *v = &inst->values[pi];
        if (v->null) {
            ok = false;
        } else if (cim_type_is_string(v->type)) {
            ok = hp_streqi(v->v.s, k->value);
        } else {
            struct hp_buf b = {0};
            put_key_value(&b, v);
            ok = b.s && hp_streqi(b.s, k->value);
            hp_buf_free(&b);
        }
    }
    free(idx);
    return ok;
}

/* ---- Providers ----------------------------------------------------------------- */

static const struct cim_value *value_of(const struct repo_instance *inst, const char *prop, int *index)
{
    int i = repo_prop_index(inst->cls, prop);
    if (index)
        *index = i;
    return i >= 0 ? &inst->values[i] : NULL;
}

static struct repo_pos value_pos(const struct repo_instance *inst, int i)
{
    const struct repo_inst_priv *ip = inst_priv(inst);
    return i >= 0 && ip->vpos[i].line ? ip->vpos[i] : inst->pos;
}

static bool value_true(const struct repo_instance *inst, const char *prop)
{
    const struct cim_value *v = value_of(inst, prop, NULL);
    return v && v->type == CIM_BOOLEAN && !v->null && v->v.i;
}

static int guid_prop(const struct repo_instance *inst, const char *prop, bool *has, GUID *out)
{
    int i;
    const struct cim_value *v = value_of(inst, prop, &i);
    *has = false;
    if (!v || v->null || !cim_type_is_string(v->type))
        return 0;
    if (!repo_parse_guid(v->v.s, out)) {
        struct repo_pos pos = value_pos(inst, i);
        return hp_error_set_at(HP_EINVAL, pos.file, pos.line, pos.col,
                               "%s \"%.60s\" is not a GUID like {xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}",
                               inst->cls->props[i].name, v->v.s);
    }
    *has = true;
    return 0;
}

static int add_provider(struct repo *repo, const struct repo_instance *inst)
{
    const struct cim_value *name = value_of(inst, "Name", NULL);
    if (!name || name->null || name->type != CIM_STRING)
        return hp_error_set_at(HP_EINVAL, inst->pos.file, inst->pos.line, inst->pos.col, "provider without a Name");
    struct repo_provider *pv = calloc(1, sizeof *pv);
    if (!pv)
        return hp_error_set(HP_ENOMEM, "out of memory");
    pv->inst = inst;
    pv->name = name->v.s;
    int rc = guid_prop(inst, "CLSID", &pv->has_clsid, &pv->clsid);
    if (rc == 0)
        rc = guid_prop(inst, "ClientLoadableCLSID", &pv->has_client_clsid, &pv->client_clsid);
    if (rc) {
        free(pv);
        return rc;
    }
    const struct cim_value *hm = value_of(inst, "HostingModel", NULL);
    pv->hosting_model = hm && !hm->null && hm->type == CIM_STRING ? hm->v.s : NULL;
    if (HP_VEC_PUSH(&repo->providers, pv) != 0) {
        free(pv);
        return hp_error_set(HP_ENOMEM, "out of memory");
    }
    return 0;
}

static int link_registration(struct repo *repo, const struct repo_instance *inst)
{
    int i;
    const struct cim_value *v = value_of(inst, "provider", &i);
    struct repo_pos pos = value_pos(inst, i);
    if (!v || v->null || v->type != CIM_REFERENCE)
        return hp_error_set_at(HP_EINVAL, pos.file, pos.line, pos.col, "registration without a provider reference");
    struct repo_path path;
    int rc = repo_path_parse(v->v.s, &path);
    if (rc == HP_ENOMEM)
        return hp_error_set(HP_ENOMEM, "out of memory");
    if (rc)
        return hp_error_set_at(HP_EINVAL, pos.file, pos.line, pos.col, "malformed object path \"%.80s\"", v->v.s);
    const struct repo_class *pc = repo_class(repo, path.cls);
    const char *name = NULL;
    for (size_t k = 0; k < path.nkeys; k++)
        if (!path.keys[k].name || hp_streqi(path.keys[k].name, "Name"))
            name = path.keys[k].value;
    const struct repo_provider *prov = NULL;
    if (!pc || !repo_class_is_a(pc, "__Provider")) {
        rc = hp_error_set_at(HP_EINVAL, pos.file, pos.line, pos.col,
                             "\"%.80s\" does not refer to a provider (an instance of __Win32Provider)", v->v.s);
    } else if (!name) {
        rc = hp_error_set_at(HP_EINVAL, pos.file, pos.line, pos.col, "\"%.80s\" does not give the provider's Name",
                             v->v.s);
    } else if (!(prov = repo_provider(repo, name))) {
        rc = hp_error_set_at(HP_EINVAL, pos.file, pos.line, pos.col,
                             "provider '%.80s' is not registered (no __Win32Provider instance has that Name)", name);
    }
    repo_path_clear(&path);
    if (rc)
        return rc;
    if (repo_class_is_a(inst->cls, "__InstanceProviderRegistration")) {
        struct repo_provider *pv = (struct repo_provider *)(uintptr_t)prov;
        pv->instance_registration = true;
        pv->supports_get = value_true(inst, "SupportsGet");
        pv->supports_put = value_true(inst, "SupportsPut");
        pv->supports_delete = value_true(inst, "SupportsDelete");
        pv->supports_enumeration = value_true(inst, "SupportsEnumeration");
    }
    return 0;
}

int repo_link_providers(struct repo *repo)
{
    int rc = 0;
    for (size_t i = 0; i < repo->instances.n && rc == 0; i++) {
        const struct repo_instance *inst = repo->instances.v[i];
        if (!inst_priv(inst)->linked && repo_class_is_a(inst->cls, "__Win32Provider"))
            rc = add_provider(repo, inst);
    }
    for (size_t i = 0; i < repo->instances.n && rc == 0; i++) {
        const struct repo_instance *inst = repo->instances.v[i];
        if (!inst_priv(inst)->linked && repo_class_is_a(inst->cls, "__ProviderRegistration"))
            rc = link_registration(repo, inst);
    }
    if (rc == 0)
        for (size_t i = 0; i < repo->instances.n; i++)
            inst_priv(repo->instances.v[i])->linked = true;
    return rc;
}
