/*
 * util/error.c - the per-thread error slot.  Invariant: hp_error_message()
 * never returns NULL and a message is never longer than the slot (it is
 * truncated, not overflowed).
 */
#include "util.h"

#include <stdio.h>
#include <string.h>

#define HP_ERROR_MAX 1024

static _Thread_local char g_msg[HP_ERROR_MAX];
static _Thread_local int g_code;

int hp_error_setv(int code, const char *fmt, va_list ap)
{
    g_code = code;
    vsnprintf(g_msg, sizeof g_msg, fmt, ap);
    return code;
}

int hp_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hp_error_setv(code, fmt, ap);
    va_end(ap);
    return code;
}

int hp_error_set_at(int code, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
    char text[HP_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return hp_error_set(code, "%s:%u:%u: %s", file ? file : "<input>", line, col, text);
}

void hp_error_prefix(const char *fmt, ...)
{
    char prefix[256], old[HP_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, g_msg, sizeof old);
    /* prefix, ": ", then as much of the old message as fits. */
    size_t np = strlen(prefix), no = strlen(old);
    if (np > sizeof g_msg - 3)
        np = sizeof g_msg - 3;
    memcpy(g_msg, prefix, np);
    memcpy(g_msg + np, ": ", 2);
    size_t room = sizeof g_msg - np - 3;
    if (no > room)
        no = room;
    memcpy(g_msg + np + 2, old, no);
    g_msg[np + 2 + no] = 0;
}

const char *hp_error_message(void)
{
    return g_msg[0] ? g_msg : "no error";
}

int hp_error_code(void)
{
    return g_code;
}

void hp_error_clear(void)
{
    g_code = 0;
    g_msg[0] = 0;
}

const char *hp_error_name(int code)
{
    switch (code) {
    case HP_OK: return "HP_OK";
    case HP_ENOMEM: return "HP_ENOMEM";
    case HP_EINVAL: return "HP_EINVAL";
    case HP_EIO: return "HP_EIO";
    case HP_ENOTFOUND: return "HP_ENOTFOUND";
    case HP_EPARSE: return "HP_EPARSE";
    case HP_EPROVIDER: return "HP_EPROVIDER";
    case HP_EDB: return "HP_EDB";
    case HP_EINTERNAL: return "HP_EINTERNAL";
    default: return "HP_E?";
    }
}

int hp_error_exit_status(int code)
{
    switch (code) {
    case HP_OK: return 0;
    case HP_EINVAL:
    case HP_EIO:
    case HP_ENOTFOUND:
    case HP_EPARSE:
    case HP_EPROVIDER:
    case HP_EDB:
        return 2;
    default:
        return 3;
    }
}
