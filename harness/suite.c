/*
 * harness/suite.c - the built-in paths and scenario gathering (suite.h),
 * and what a run makes of a MOF (its identity, the classes of each case).
 * Invariant: a suite either loads whole or not at all: one bad file fails
 * the load with its position, nothing half-parsed is returned.
 */
#include "suite.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oracle.h"
#include "util.h"

extern const char hiperf_requirements_txt_data[];
extern const size_t hiperf_requirements_txt_size;

const char *suite_requirements_text(size_t *len)
{
    *len = hiperf_requirements_txt_size;
    return hiperf_requirements_txt_data;
}

char *suite_self_path(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = 0;
    return hp_strdup(buf);
}

static char *exe_dir(void)
{
    char *p = suite_self_path();
    char *slash = p ? strrchr(p, '/') : NULL;
    if (slash)
        *slash = 0;
    return p;
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* The first existing of env, then each candidate relative to the program. */
static char *find(const char *env, const char *const *rel, size_t nrel, const char *fallback, const char *what)
{
    const char *e = getenv(env);
    if (e && *e)
        return hp_strdup(e);
    char *dir = exe_dir();
    for (size_t i = 0; dir && i < nrel; i++) {
        char *p = hp_sprintf("%s/%s", dir, rel[i]);
        if (p && exists(p)) {
            free(dir);
            return p;
        }
        free(p);
    }
    free(dir);
    if (fallback && exists(fallback))
        return hp_strdup(fallback);
    hp_error_set(HP_ENOTFOUND, "cannot find the built-in %s (set %s)", what, env);
    return NULL;
}

/* The installed layout's library directory relative to the prefix, as
 * configured (CMAKE_INSTALL_LIBDIR: "lib", "lib64", "lib/x86_64-linux-gnu"). */
#ifndef HIPERF_INSTALL_LIBDIR
#define HIPERF_INSTALL_LIBDIR "lib"
#endif

char *suite_reference_provider(void)
{
    static const char *const rel[] = {"../" HIPERF_INSTALL_LIBDIR "/hiperfcheck/libhiperf_refprov.so",
                                      "../lib/hiperfcheck/libhiperf_refprov.so", "../lib/libhiperf_refprov.so"};
    return find("HIPERFCHECK_PROVIDER", rel, 3, NULL, "reference provider");
}

char *suite_reference_mof(void)
{
    static const char *const rel[] = {"../" HIPERF_INSTALL_LIBDIR "/hiperfcheck/hiperf_refprov.mof",
                                      "../lib/hiperfcheck/hiperf_refprov.mof", "../lib/hiperf_refprov.mof"};
    return find("HIPERFCHECK_MOF", rel, 3, HIPERF_SOURCE_DIR "/provider/hiperf_refprov.mof", "reference MOF");
}

char *suite_builtin_scenarios(void)
{
    static const char *const rel[] = {"../share/hiperfcheck/scenarios"};
    return find("HIPERFCHECK_SCENARIOS", rel, 1, HIPERF_SOURCE_DIR "/scenarios", "scenario catalog");
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_file(const void *a, const void *b)
{
    return strcmp((*(struct scn_file *const *)a)->name, (*(struct scn_file *const *)b)->name);
}

struct known {
    struct oracle_requirement *reqs;
    size_t n;
};

static bool known_id(const char *id, void *ud)
{
    struct known *k = ud;
    for (size_t i = 0; i < k->n; i++)
        if (!strcmp(k->reqs[i].id, id))
            return true;
    return false;
}

static int add_file(struct suite *s, size_t *cap, const char *path, struct known *k)
{
    struct scn_file *f;
    int rc = scn_parse_file(path, &f);
    if (rc)
        return rc;
    rc = scn_check_requirements(f, known_id, k);
    if (!rc && hp_grow((void **)&s->files, cap, s->n + 1, sizeof *s->files))
        rc = HP_ENOMEM;
    if (rc) {
        scn_free(f);
        return rc;
    }
    s->files[s->n++] = f;
    return 0;
}

static int add_path(struct suite *s, size_t *cap, const char *path, struct known *k)
{
    struct stat st;
    if (stat(path, &st))
        return hp_error_set(HP_EIO, "%s: no such file or directory", path);
    if (!S_ISDIR(st.st_mode))
        return add_file(s, cap, path, k);
    DIR *d = opendir(path);
    if (!d)
        return hp_error_set(HP_EIO, "%s: cannot read the directory", path);
    HP_VEC(char *) names = {0};
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l > 4 && !strcmp(de->d_name + l - 4, ".scn"))
            HP_VEC_PUSH(&names, hp_sprintf("%s/%s", path, de->d_name));
    }
    closedir(d);
    qsort(names.v, names.n, sizeof *names.v, cmp_name);
    int rc = 0;
    for (size_t i = 0; i < names.n; i++) {
        if (!rc)
            rc = add_file(s, cap, names.v[i], k);
        free(names.v[i]);
    }
    free(names.v);
    if (!rc && names.n == 0)
        rc = hp_error_set(HP_EINVAL, "%s: no .scn files in this directory", path);
    return rc;
}

int suite_load(struct suite *out, const char *const *paths, size_t npaths)
{
    *out = (struct suite){0};
    size_t len;
    const char *text = suite_requirements_text(&len);
    struct known k = {0};
    int rc = oracle_parse_requirements(&k.reqs, &k.n, text, len, "requirements.txt");
    if (rc)
        return rc;
    size_t cap = 0;
    char *builtin = NULL;
    if (npaths == 0) {
        builtin = suite_builtin_scenarios();
        if (!builtin) {
            oracle_requirements_free(k.reqs, k.n);
            return HP_ENOTFOUND;
        }
        rc = add_path(out, &cap, builtin, &k);
    }
    for (size_t i = 0; !rc && i < npaths; i++)
        rc = add_path(out, &cap, paths[i], &k);
    free(builtin);
    oracle_requirements_free(k.reqs, k.n);
    if (!rc) {
        qsort(out->files, out->n, sizeof *out->files, cmp_file);
        for (size_t i = 1; i < out->n; i++)
            if (!strcmp(out->files[i]->name, out->files[i - 1]->name)) {
                rc = hp_error_set_at(HP_EINVAL, out->files[i]->path, out->files[i]->name_pos.line,
                                     out->files[i]->name_pos.col, "scenario '%s' is also defined in %s",
                                     out->files[i]->name, out->files[i - 1]->path);
                break;
            }
    }
    if (rc)
        suite_free(out);
    return rc;
}

void suite_free(struct suite *s)
{
    for (size_t i = 0; i < s->n; i++)
        scn_free(s->files[i]);
    free(s->files);
    *s = (struct suite){0};
}

int suite_covers(const struct scn_file *f, const char *req_id)
{
    for (size_t i = 0; i < f->covers.n; i++)
        if (!strcmp(f->covers.v[i].id, req_id))
            return 1;
    struct scn_check *checks;
    size_t n = scn_checks(f, &checks);
    if (n == SIZE_MAX)
        return 0;
    int found = 0;
    for (size_t i = 0; i < n && !found; i++)
        for (size_t r = 0; r < checks[i].nreqs; r++)
            if (!strcmp(checks[i].reqs[r], req_id))
                found = 1;
    scn_checks_free(checks, n);
    return found;
}

const struct repo_provider *suite_identity(const struct repo *repo)
{
    for (size_t i = 0; i < repo_provider_count(repo); i++)
        if (repo_provider_is_hiperf(repo, repo_provider_at(repo, i)))
            return repo_provider_at(repo, i);
    return repo_provider_count(repo) ? repo_provider_at(repo, 0) : NULL;
}

void suite_clsid_text(char out[39], const struct repo_provider *prov)
{
    out[0] = 0;
    if (!prov || !prov->has_clsid)
        return;
    const GUID *g = &prov->clsid;
    snprintf(out, 39, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", (unsigned)g->Data1, g->Data2, g->Data3,
             g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

size_t suite_case_classes(const char ***out, const struct scn_file *f, const struct repo *repo)
{
    *out = NULL;
    HP_VEC(const char *) v = {0};
    int rc = 0;
    if (f->for_each == SCN_FOR_NONE) {
        rc = HP_VEC_PUSH(&v, "");
    } else if (f->for_each == SCN_FOR_NAMED) {
        rc = HP_VEC_PUSH(&v, f->for_class);
    } else {
        for (size_t i = 0; !rc && i < repo_class_count(repo); i++) {
            const struct repo_class *c = repo_class_at(repo, i);
            if (c->system || !c->dynamic || c->abstract)
                continue;
            const struct repo_provider *prov = repo_provider_for_class(repo, c);
            if (!prov)
                continue;
            bool hiperf = c->hiperf && repo_provider_is_hiperf(repo, prov);
            if ((f->for_each == SCN_FOR_HIPERF && !hiperf) || (f->for_each == SCN_FOR_ORDINARY && hiperf))
                continue;
            rc = HP_VEC_PUSH(&v, c->name);
        }
    }
    if (rc) {
        free(v.v);
        hp_error_set(HP_ENOMEM, "out of memory");
        return SIZE_MAX;
    }
    *out = v.v;
    return v.n;
}
