/*
 * harness/cmd_inspect.c - `hiperfcheck inspect --mof MOF [--provider SO]`:
 * what a MOF registers (providers, their CLSIDs and flags, the classes each
 * serves with their keys and counters) and, with a provider, whether it
 * loads, initializes and keeps the COM identity rules.
 *
 * The provider is loaded in a child process: a provider that crashes while
 * loading is reported, never takes the harness down.  Exit status: 0 all
 * good, 1 a COM rule broken or the provider crashed, 2 bad input (MOF,
 * provider file, usage).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "comcheck.h"
#include "loader.h"
#include "repo.h"
#include "util.h"

static const char inspect_usage[] =
    "usage: hiperfcheck inspect --mof MOF [--provider SO]\n"
    "\n"
    "Prints what the registration MOF declares: the providers with their CLSIDs\n"
    "and registration flags, the classes each serves with keys and counters.\n"
    "With --provider, also loads the shared object the way WMI loads a provider\n"
    "(DllGetClassObject with each registered CLSID, IClassFactory::CreateInstance,\n"
    "IWbemProviderInit::Initialize), checks the COM identity rules on the\n"
    "provider objects, then releases everything and reports DllCanUnloadNow, the\n"
    "host objects the provider still holds, and those it released once too often\n"
    "or used after releasing them (exit 1 for any of these).\n"
    "\n"
    "  --mof MOF        the provider's registration MOF (required)\n"
    "  --provider SO    the provider shared object\n"
    "  -h, --help       this text\n";

/* Names of the counter types a perf MOF uses most (winperf.h values). */
static const char *counter_type_name(uint64_t t)
{
    switch (t) {
    case 65536: return "PERF_COUNTER_RAWCOUNT";
    case 65792: return "PERF_COUNTER_LARGE_RAWCOUNT";
    case 0: return "PERF_COUNTER_RAWCOUNT_HEX";
    case 256: return "PERF_COUNTER_LARGE_RAWCOUNT_HEX";
    case 272696320: return "PERF_COUNTER_COUNTER";
    case 272696576: return "PERF_COUNTER_BULK_COUNT";
    case 542180608: return "PERF_100NSEC_TIMER";
    case 558957824: return "PERF_100NSEC_TIMER_INV";
    case 542573824: return "PERF_100NSEC_MULTI_TIMER";
    case 541132032: return "PERF_COUNTER_TIMER";
    case 557909248: return "PERF_COUNTER_TIMER_INV";
    case 807666944: return "PERF_ELAPSED_TIME";
    case 537003008: return "PERF_RAW_FRACTION";
    case 1073939459: return "PERF_RAW_BASE";
    case 1073939712: return "PERF_LARGE_RAW_BASE";
    case 805438464: return "PERF_AVERAGE_TIMER";
    case 1073874176: return "PERF_AVERAGE_BASE";
    case 1073874944: return "PERF_AVERAGE_BULK";
    case 4195328: return "PERF_COUNTER_QUEUELEN_TYPE";
    case 4523008: return "PERF_COUNTER_LARGE_QUEUELEN_TYPE";
    default: return NULL;
    }
}

static void guid_str(const GUID *g, char out[39])
{
    snprintf(out, 39, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", (unsigned)g->Data1, g->Data2,
             g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5],
             g->Data4[6], g->Data4[7]);
}

static void print_class(const struct repo_class *c)
{
    printf("      %s", c->name);
    if (c->super)
        printf(" : %s", c->super->name);
    printf("  [%s%s%s%s]\n", c->dynamic ? "dynamic" : "static", c->hiperf ? ", hiperf" : "",
           c->singleton ? ", singleton" : "", c->abstract ? ", abstract" : "");
    int keys = 0;
    for (size_t i = 0; i < c->nprops; i++)
        if (c->props[i].key) {
            printf("        key      %s (%s)\n", c->props[i].name, cim_type_name(c->props[i].type));
            keys++;
        }
    if (!keys)
        printf("        key      none%s\n", c->singleton ? " (singleton: path Class=@)" : "");
    for (size_t i = 0; i < c->nprops; i++) {
        const struct repo_property *p = &c->props[i];
        const struct repo_qualifier *ct = repo_prop_qualifier(p, "CounterType");
        if (!ct)
            continue;
        uint64_t t = ct->value.null ? 0 : ct->value.v.u;
        const char *tn = counter_type_name(t);
        printf("        counter  %-28s %-8s CounterType %" PRIu64 "%s%s%s\n", p->name, cim_type_name(p->type), t,
               tn ? " (" : "", tn ? tn : "", tn ? ")" : "");
    }
    for (size_t i = 0; i < c->nprops; i++) {
        const struct repo_property *p = &c->props[i];
        if (!p->key && !repo_prop_qualifier(p, "CounterType") && p->origin == c)
            printf("        property %-28s %s\n", p->name, cim_type_name(p->type));
    }
}

static void print_registrations(const struct repo *repo, const char *mof)
{
    printf("MOF: %s\n", mof);
    printf("namespace: %s\n", repo_namespace(repo));
    size_t np = repo_provider_count(repo);
    printf("providers: %zu\n", np);
    for (size_t i = 0; i < np; i++) {
        const struct repo_provider *p = repo_provider_at(repo, i);
        char g[39];
        printf("  %s\n", p->name);
        if (p->has_clsid) {
            guid_str(&p->clsid, g);
            printf("    CLSID                %s\n", g);
        } else {
            printf("    CLSID                (none)\n");
        }
        if (p->has_client_clsid) {
            guid_str(&p->client_clsid, g);
            printf("    ClientLoadableCLSID  %s\n", g);
        }
        if (p->hosting_model)
            printf("    HostingModel         %s\n", p->hosting_model);
        if (p->instance_registration)
            printf("    registration         instance provider:%s%s%s%s\n", p->supports_get ? " get" : "",
                   p->supports_enumeration ? " enumeration" : "", p->supports_put ? " put" : "",
                   p->supports_delete ? " delete" : "");
        else
            printf("    registration         no __InstanceProviderRegistration\n");
        bool hiperf = repo_provider_is_hiperf(repo, p);
        printf("    refresher-capable    %s\n",
               hiperf ? "yes (ClientLoadableCLSID and hiperf classes)"
               : p->has_client_clsid ? "no (no class it serves is hiperf)"
                                     : "no (no ClientLoadableCLSID)");
        const struct repo_class *cls[256];
        size_t nc = repo_provider_classes(repo, p, cls, 256);
        printf("    classes: %zu\n", nc);
        for (size_t k = 0; k < nc && k < 256; k++)
            print_class(cls[k]);
    }
    /* Dynamic classes naming a provider the MOF does not register. */
    for (size_t i = 0; i < repo_class_count(repo); i++) {
        const struct repo_class *c = repo_class_at(repo, i);
        if (c->dynamic && c->provider && !repo_provider(repo, c->provider))
            printf("  warning: class %s names provider \"%s\", which this MOF does not register\n", c->name,
                   c->provider);
    }
}

static const IID *const provider_iids[] = {&IID_IWbemProviderInit, &IID_IWbemHiPerfProvider, &IID_IWbemServices,
                                           &IID_IClassFactory, &IID_IWbemRefresher};

/* Runs in the child: loads each registered provider and checks it.
 * Returns the exit status for the child. */
static int inspect_provider(struct repo *repo, const char *so)
{
    struct host *host;
    if (host_new(&host, repo, NULL) || host_set_provider_file(host, so)) {
        fprintf(stderr, "hiperfcheck: %s\n", hp_error_message());
        return HP_EXIT_INTERNAL;
    }
    int status = HP_EXIT_PASS;
    printf("\nprovider file: %s\n", so);
    fflush(stdout);
    if (host_open_provider_file(host)) {
        fprintf(stderr, "hiperfcheck: %s\n", hp_error_message());
        host_free(host);
        return HP_EXIT_USAGE;
    }
    for (size_t i = 0; i < repo_provider_count(repo); i++) {
        const struct repo_provider *reg = repo_provider_at(repo, i);
        for (int kind = HOSTPROV_IN_WMI; kind <= HOSTPROV_IN_CLIENT; kind++) {
            if ((kind == HOSTPROV_IN_WMI && !reg->has_clsid) || (kind == HOSTPROV_IN_CLIENT && !reg->has_client_clsid))
                continue;
            printf("  %s by %s: ", reg->name, kind == HOSTPROV_IN_WMI ? "CLSID" : "ClientLoadableCLSID");
            fflush(stdout);
            struct hostprov *p;
            if (host_load_provider(host, reg, kind, 5000, &p)) {
                printf("does not load\n    %s\n", hp_error_message());
                status = HP_EXIT_USAGE;
                continue;
            }
            printf("loads and initializes (Initialize 0x%08X, SetStatus called %d time%s, status 0x%08X)\n",
                   (unsigned)p->init_hr, p->init_setstatus_calls, p->init_setstatus_calls == 1 ? "" : "s",
                   (unsigned)p->init_status);
            printf("    interfaces: IWbemProviderInit%s%s\n", p->hiperf ? ", IWbemHiPerfProvider" : "",
                   p->services ? ", IWbemServices" : "");
            size_t before = host->ledger.nfindings;
            struct comcheck_result res;
            comcheck_object(host, p->unknown, provider_iids, sizeof provider_iids / sizeof provider_iids[0],
                            reg->name, true, &res);
            printf("    COM identity checks: %zu probes, %zu interfaces answered, %s\n", res.probed, res.supported,
                   res.findings ? "FAILED" : "passed");
            for (size_t f = before; f < host->ledger.nfindings; f++)
                printf("      %s\n", host->ledger.findings[f].text);
            if (res.findings && status == HP_EXIT_PASS)
                status = HP_EXIT_FAIL;
            fflush(stdout);
        }
    }
    HRESULT unload;
    host_unload_providers(host, &unload);
    printf("  DllCanUnloadNow after releasing everything: %s\n",
           unload == S_OK ? "S_OK" : unload == S_FALSE ? "S_FALSE (objects still alive)" : "not asked");
    if (unload == S_FALSE && status == HP_EXIT_PASS)
        status = HP_EXIT_FAIL;
    /* References the provider dropped that it did not hold, and calls on
     * objects it had let go (what the COM checks above did not report). */
    size_t misuse = 0;
    for (size_t f = 0; f < host->ledger.nfindings; f++) {
        const struct ledger_finding *lf = &host->ledger.findings[f];
        if (lf->actor != HP_ACTOR_PROVIDER ||
            (lf->kind != LEDGER_OVER_RELEASE && lf->kind != LEDGER_USE_AFTER_RELEASE &&
             lf->kind != LEDGER_POISONED_USE && lf->kind != LEDGER_BAD_TRANSFER))
            continue;
        if (misuse++ == 0)
            printf("  the provider misused host objects:\n");
        printf("    %s: %s\n", ledger_finding_kind_name(lf->kind), lf->text);
    }
    if (misuse && status == HP_EXIT_PASS)
        status = HP_EXIT_FAIL;
    size_t leaks = ledger_check_leaks(&host->ledger, HP_ACTOR_PROVIDER);
    if (leaks) {
        printf("  the provider still holds %zu host object%s after its release:\n", leaks, leaks == 1 ? "" : "s");
        for (size_t f = 0; f < host->ledger.nfindings; f++)
            if (host->ledger.findings[f].kind == LEDGER_LEAK)
                printf("    %s\n", host->ledger.findings[f].text);
        if (status == HP_EXIT_PASS)
            status = HP_EXIT_FAIL;
    }
    fflush(stdout);
    host_free(host);
    return status;
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option opts[] = {
        {"mof", required_argument, NULL, 'm'},
        {"provider", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *mof = NULL, *so = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': mof = optarg; break;
        case 'p': so = optarg; break;
        case 'h': fputs(inspect_usage, stdout); return HP_EXIT_PASS;
        default:
            fprintf(stderr, "hiperfcheck inspect: %s '%s'\n%s",
                    optopt ? "option needs a value:" : "unknown option", argv[optind - 1], inspect_usage);
            return HP_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hiperfcheck inspect: unexpected argument '%s'\n", argv[optind]);
        return HP_EXIT_USAGE;
    }
    if (!mof) {
        fprintf(stderr, "hiperfcheck inspect: --mof is required\n%s", inspect_usage);
        return HP_EXIT_USAGE;
    }
    struct repo *repo = repo_new();
    if (!repo) {
        fprintf(stderr, "hiperfcheck: out of memory\n");
        return HP_EXIT_INTERNAL;
    }
    int rc = mof_load_file(repo, mof);
    if (rc) {
        fprintf(stderr, "%s\n", hp_error_message());
        repo_free(repo);
        return hp_error_exit_status(rc);
    }
    print_registrations(repo, mof);
    fflush(stdout);
    int status = HP_EXIT_PASS;
    if (so) {
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "hiperfcheck: fork: %s\n", strerror(errno));
            status = HP_EXIT_INTERNAL;
        } else if (pid == 0) {
            /* The provider's crash must end this child by its signal, so
             * the parent can say so, even where a sanitizer runtime
             * installed its own handlers in this process. */
            static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
            for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
                signal(fatal[i], SIG_DFL);
            int s = inspect_provider(repo, so);
            fflush(stdout);
            fflush(stderr);
            _exit(s);
        } else {
            int ws;
            while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
                ;
            if (WIFSIGNALED(ws)) {
                printf("  the provider crashed the loading process: signal %d (%s)\n", WTERMSIG(ws),
                       strsignal(WTERMSIG(ws)));
                status = HP_EXIT_FAIL;
            } else {
                status = WEXITSTATUS(ws);
            }
        }
    }
    repo_free(repo);
    return status;
}
