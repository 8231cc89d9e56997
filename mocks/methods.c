/* mocks/methods.c - the names of the method ids of methods.h. */
#include "methods.h"

#include "util.h"

static const char *const names[HPM_COUNT] = {
#define HP_METHOD_NAME(iface, method) #iface "::" #method,
    HP_METHOD_LIST(HP_METHOD_NAME)
#undef HP_METHOD_NAME
    "Host::Alloc",
    "COM::CoCreateInstance",
};

const char *hp_method_name(enum hp_method m)
{
    return (unsigned)m < HPM_COUNT ? names[m] : "?";
}

bool hp_method_from_name(const char *name, enum hp_method *out)
{
    for (int i = 0; i < HPM_COUNT; i++)
        if (hp_streqi(names[i], name)) {
            *out = (enum hp_method)i;
            return true;
        }
    return false;
}
