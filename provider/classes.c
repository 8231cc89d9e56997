/*
 * provider/classes.c - the classes the reference provider serves and every
 * value it reports, as pure functions of one clock reading.
 *
 * Invariant: a value depends only on (struct rp_now, class, instance).  No
 * state, no randomness, no second clock read: under libfaketime with a
 * stopped clock every run reports the same numbers, and a scenario author
 * can compute them in advance (docs/writing-a-provider.md lists the
 * formulas).  Cumulative counters never decrease while their clock moves
 * forward; 32-bit ones wrap modulo 2^32 as real ones do.  Everything is
 * integer arithmetic that cannot overflow 64 bits before the year 30000.
 *
 * Which clock drives what:
 *   - counters whose CounterType is based on Timestamp_PerfTime
 *     (PERF_COUNTER_COUNTER, PERF_COUNTER_BULK_COUNT) grow with
 *     CLOCK_MONOTONIC (perf_time);
 *   - counters based on Timestamp_Sys100NS or Timestamp_Object
 *     (PERF_100NSEC_TIMER[_INV], PERF_ELAPSED_TIME) grow with
 *     CLOCK_REALTIME (sys100ns);
 *   - which process instances exist, and the instantaneous counters, depend
 *     on the whole seconds of CLOCK_REALTIME (sec).
 * So a formatted value (delta of counter over delta of its own timebase)
 * is exact on every machine.
 *
 * The one input that is not the clock: the number of instances of the
 * benchmark class Win32_PerfRawData_HiPerfCheck_Thread, read once from
 * HIPERFCHECK_REFPROV_THREADS (rp_thread_count).  It is fixed for the life
 * of the process, so runs with the same setting stay reproducible.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "provider_private.h"

#define TICKS_PER_SEC UINT64_C(10000000)          /* 100 ns units */
#define FILETIME_UNIX_EPOCH UINT64_C(11644473600) /* seconds from 1601-01-01 to 1970-01-01 */
#define SECONDS_PER_DAY UINT64_C(86400)

/* CounterType values (winperf.h), for reference in the tables below. */
/* PERF_100NSEC_TIMER_INV 558957824, PERF_100NSEC_TIMER 542180608,
 * PERF_COUNTER_COUNTER 272696320, PERF_COUNTER_BULK_COUNT 272696576,
 * PERF_COUNTER_RAWCOUNT 65536, PERF_COUNTER_LARGE_RAWCOUNT 65792,
 * PERF_ELAPSED_TIME 807666944. */

void rp_now_read(struct rp_now *now)
{
    struct timespec mono = {0, 0}, real = {0, 0};
#if defined(HIPERF_DEFECT_TIME_FROZEN_CLOCK)
    /* DEFECT time_frozen_clock (TIME-VALUES-AT-REFRESH): reads the clocks
     * once, the first time a value is needed, "to be fast"; every later
     * reading returns that one. */
    static struct rp_now frozen;
    static atomic_bool taken;
    if (atomic_load(&taken)) {
        *now = frozen;
        return;
    }
#endif

    /* Both clocks are always available on Linux; on a failure the reading
     * stays 0 rather than garbage. */
    if (clock_gettime(CLOCK_MONOTONIC, &mono) != 0 || mono.tv_sec < 0)
        mono.tv_sec = 0, mono.tv_nsec = 0;
    if (clock_gettime(CLOCK_REALTIME, &real) != 0 || real.tv_sec < 0)
        real.tv_sec = 0, real.tv_nsec = 0;
#if defined(HIPERF_DEFECT_TIME_WRONG_UNITS)
    /* DEFECT time_wrong_units (TIME-PERF-TIMESTAMPS): counts CLOCK_MONOTONIC
     * in microseconds while Frequency_PerfTime says 10,000,000 a second, so
     * every rate is off by ten.  The values still move: only a baseline
     * shows it. */
    now->perf_time = (uint64_t)mono.tv_sec * 1000000 + (uint64_t)mono.tv_nsec / 1000;
#else
    now->perf_time = (uint64_t)mono.tv_sec * TICKS_PER_SEC + (uint64_t)mono.tv_nsec / 100;
#endif
    now->sec = (uint64_t)real.tv_sec;
    now->sys100ns = (now->sec + FILETIME_UNIX_EPOCH) * TICKS_PER_SEC + (uint64_t)real.tv_nsec / 100;
#if defined(HIPERF_DEFECT_TIME_FROZEN_CLOCK)
    frozen = *now;
    atomic_store(&taken, true);
#endif
}

static uint64_t filetime_of(uint64_t unix_sec)
{
    return (unix_sec + FILETIME_UNIX_EPOCH) * TICKS_PER_SEC;
}

/* ---- (a) Win32_PerfRawData_HiPerfCheck_Processor ----------------------- */

enum {
    CPU_PERCENT_PROCESSOR_TIME,
    CPU_PERCENT_USER_TIME,
    CPU_INTERRUPTS_PERSEC,
    CPU_DPC_RATE,
    CPU_C1_TRANSITIONS_PERSEC,
    CPU_TIMESTAMP_PERFTIME,
    CPU_TIMESTAMP_SYS100NS,
    CPU_FREQUENCY_PERFTIME,  /* constants from here on */
    CPU_FREQUENCY_SYS100NS,
    CPU_NPROPS
};

static const struct rp_prop processor_props[CPU_NPROPS] = {
    [CPU_PERCENT_PROCESSOR_TIME] = {u"PercentProcessorTime", CIM_UINT64},
    [CPU_PERCENT_USER_TIME] = {u"PercentUserTime", CIM_UINT64},
    [CPU_INTERRUPTS_PERSEC] = {u"InterruptsPersec", CIM_UINT32},
    [CPU_DPC_RATE] = {u"DPCRate", CIM_UINT32},
    [CPU_C1_TRANSITIONS_PERSEC] = {u"C1TransitionsPersec", CIM_UINT64},
    [CPU_TIMESTAMP_PERFTIME] = {u"Timestamp_PerfTime", CIM_UINT64},
    [CPU_TIMESTAMP_SYS100NS] = {u"Timestamp_Sys100NS", CIM_UINT64},
    [CPU_FREQUENCY_PERFTIME] = {u"Frequency_PerfTime", CIM_UINT64},
    [CPU_FREQUENCY_SYS100NS] = {u"Frequency_Sys100NS", CIM_UINT64},
};

#define NCPU 4
static const WCHAR *const processor_names[NCPU + 1] = {u"0", u"1", u"2", u"3", u"_Total"};
static const unsigned cpu_busy_pct[NCPU] = {10, 25, 40, 55};   /* % Processor Time */
static const unsigned cpu_user_pct[NCPU] = {6, 15, 24, 33};    /* % User Time */
static const unsigned cpu_irq_per_10ms[NCPU] = {10, 15, 20, 25};
static const unsigned cpu_c1_per_10ms[NCPU] = {3, 5, 7, 9};

/* The 64-bit interrupt count of one CPU (InterruptsPersec is its low 32
 * bits, so _Total stays the sum modulo 2^32). */
static uint64_t cpu_interrupts(const struct rp_now *now, unsigned i)
{
    return now->perf_time / 100000 * cpu_irq_per_10ms[i];
}

static bool processor_values(const struct rp_now *now, unsigned inst, uint64_t *v)
{
    if (inst > NCPU)
        return false;
    if (inst < NCPU) {
        /* PERF_100NSEC_TIMER_INV: the raw value is idle time, so the
         * formatted value 100 * (1 - dIdle / dSys100NS) is the busy %. */
        v[CPU_PERCENT_PROCESSOR_TIME] = now->sys100ns / 100 * (100 - cpu_busy_pct[inst]);
        v[CPU_PERCENT_USER_TIME] = now->sys100ns / 100 * cpu_user_pct[inst];
        v[CPU_INTERRUPTS_PERSEC] = (uint32_t)cpu_interrupts(now, inst);
        v[CPU_DPC_RATE] = (now->sec + 3 * inst) % 17;
        v[CPU_C1_TRANSITIONS_PERSEC] = now->perf_time / 100000 * cpu_c1_per_10ms[inst];
    } else {
        /* _Total: counts are the sums; the two 100 ns timers are the mean
         * (sum / 4), so the formatted _Total stays within 0-100 %. */
        uint64_t idle = 0, user = 0, irq = 0, dpc = 0, c1 = 0, one[CPU_NPROPS];
        for (unsigned i = 0; i < NCPU; i++) {
            processor_values(now, i, one);
            idle += one[CPU_PERCENT_PROCESSOR_TIME];
            user += one[CPU_PERCENT_USER_TIME];
            irq += cpu_interrupts(now, i);
            dpc += one[CPU_DPC_RATE];
            c1 += one[CPU_C1_TRANSITIONS_PERSEC];
        }
        v[CPU_PERCENT_PROCESSOR_TIME] = idle / NCPU;
        v[CPU_PERCENT_USER_TIME] = user / NCPU;
        v[CPU_INTERRUPTS_PERSEC] = (uint32_t)irq;
        v[CPU_DPC_RATE] = dpc;
        v[CPU_C1_TRANSITIONS_PERSEC] = c1;
    }
    v[CPU_TIMESTAMP_PERFTIME] = now->perf_time;
    v[CPU_TIMESTAMP_SYS100NS] = now->sys100ns;
    v[CPU_FREQUENCY_PERFTIME] = TICKS_PER_SEC;
    v[CPU_FREQUENCY_SYS100NS] = TICKS_PER_SEC;
    return true;
}

/* ---- (b) Win32_PerfRawData_HiPerfCheck_Process ------------------------- */

enum {
    PROC_PERCENT_PROCESSOR_TIME,
    PROC_ELAPSED_TIME,
    PROC_ID_PROCESS,
    PROC_THREAD_COUNT,
    PROC_WORKING_SET,
    PROC_TIMESTAMP_PERFTIME,
    PROC_TIMESTAMP_SYS100NS,
    PROC_TIMESTAMP_OBJECT,
    PROC_FREQUENCY_PERFTIME,  /* constants from here on */
    PROC_FREQUENCY_SYS100NS,
    PROC_FREQUENCY_OBJECT,
    PROC_NPROPS
};

static const struct rp_prop process_props[PROC_NPROPS] = {
    [PROC_PERCENT_PROCESSOR_TIME] = {u"PercentProcessorTime", CIM_UINT64},
    [PROC_ELAPSED_TIME] = {u"ElapsedTime", CIM_UINT64},
    [PROC_ID_PROCESS] = {u"IDProcess", CIM_UINT32},
    [PROC_THREAD_COUNT] = {u"ThreadCount", CIM_UINT32},
    [PROC_WORKING_SET] = {u"WorkingSet", CIM_UINT64},
    [PROC_TIMESTAMP_PERFTIME] = {u"Timestamp_PerfTime", CIM_UINT64},
    [PROC_TIMESTAMP_SYS100NS] = {u"Timestamp_Sys100NS", CIM_UINT64},
    [PROC_TIMESTAMP_OBJECT] = {u"Timestamp_Object", CIM_UINT64},
    [PROC_FREQUENCY_PERFTIME] = {u"Frequency_PerfTime", CIM_UINT64},
    [PROC_FREQUENCY_SYS100NS] = {u"Frequency_Sys100NS", CIM_UINT64},
    [PROC_FREQUENCY_OBJECT] = {u"Frequency_Object", CIM_UINT64},
};

#define NPROC 16
static const WCHAR *const process_names[NPROC] = {
    u"Idle",     u"System",    u"smss",      u"csrss",    u"wininit", u"services",
    u"lsass",    u"svchost",   u"svchost#1", u"svchost#2", u"explorer", u"dwm",
    u"spoolsv",  u"taskhostw", u"SearchIndexer", u"notepad",
};

/* The schedule.  Instances 0 (Idle) and 1 (System) always exist and
 * started at 00:00:00 UTC of the current day.  Instance k >= 2 exists
 * while phase = (sec + 7k) mod 60 is below 20 + 2k, i.e. for 20 + 2k
 * seconds of every minute; each such window is one incarnation, numbered
 * (sec + 7k) div 60, that started at sec - phase. */
static bool process_alive(uint64_t sec, unsigned k, uint64_t *birth_sec, uint64_t *incarnation)
{
    if (k < 2) {
        *birth_sec = sec - sec % SECONDS_PER_DAY;
        *incarnation = 0;
        return true;
    }
    uint64_t phase = (sec + 7 * k) % 60;
    if (phase >= 20 + 2 * (uint64_t)k)
        return false;
    *birth_sec = sec - phase;
    *incarnation = (sec + 7 * k) / 60;
    return true;
}

static uint32_t process_threads(uint64_t sec, unsigned k)
{
    if (k == 0)
        return NCPU;
    if (k == 1)
        return (uint32_t)(96 + sec % 8);
    return (uint32_t)(1 + k % 7 + (sec + k) % 4);
}

static bool process_values(const struct rp_now *now, unsigned k, uint64_t *v)
{
    uint64_t birth, incarnation;

    if (k >= NPROC || !process_alive(now->sec, k, &birth, &incarnation))
        return false;
    uint64_t start = filetime_of(birth);
    uint64_t share = k == 0 ? 50 : 1 + k % 5;  /* % of one CPU, PERF_100NSEC_TIMER */
    v[PROC_PERCENT_PROCESSOR_TIME] = (now->sys100ns - start) / 100 * share;
    v[PROC_ELAPSED_TIME] = start;  /* PERF_ELAPSED_TIME: start time in Timestamp_Object units */
    if (k == 0)
        v[PROC_ID_PROCESS] = 0;
    else if (k == 1)
        v[PROC_ID_PROCESS] = 4;
    else
        v[PROC_ID_PROCESS] = 4 * (64 + 16 * (incarnation % 65536) + k);
    v[PROC_THREAD_COUNT] = process_threads(now->sec, k);
    v[PROC_WORKING_SET] = k == 0 ? 8192 : UINT64_C(1048576) * (2 + 3 * k) + 4096 * ((now->sec + 11 * k) % 64);
    v[PROC_TIMESTAMP_PERFTIME] = now->perf_time;
    v[PROC_TIMESTAMP_SYS100NS] = now->sys100ns;
    v[PROC_TIMESTAMP_OBJECT] = now->sys100ns;
    v[PROC_FREQUENCY_PERFTIME] = TICKS_PER_SEC;
    v[PROC_FREQUENCY_SYS100NS] = TICKS_PER_SEC;
    v[PROC_FREQUENCY_OBJECT] = TICKS_PER_SEC;
    return true;
}

/* ---- (c) Win32_PerfRawData_HiPerfCheck_System (singleton) --------------- */

enum {
    SYS_PROCESS_COUNT,
    SYS_THREADS,
    SYS_CONTEXT_SWITCHES_PERSEC,
    SYS_FILE_READ_BYTES_PERSEC,
    SYS_SYSTEM_UP_TIME,
    SYS_TIMESTAMP_PERFTIME,
    SYS_TIMESTAMP_SYS100NS,
    SYS_TIMESTAMP_OBJECT,
    SYS_FREQUENCY_PERFTIME,  /* constants from here on */
    SYS_FREQUENCY_SYS100NS,
    SYS_FREQUENCY_OBJECT,
    SYS_NPROPS
};

static const struct rp_prop system_props[SYS_NPROPS] = {
    [SYS_PROCESS_COUNT] = {u"ProcessCount", CIM_UINT32},
    [SYS_THREADS] = {u"Threads", CIM_UINT32},
    [SYS_CONTEXT_SWITCHES_PERSEC] = {u"ContextSwitchesPersec", CIM_UINT32},
    [SYS_FILE_READ_BYTES_PERSEC] = {u"FileReadBytesPersec", CIM_UINT64},
    [SYS_SYSTEM_UP_TIME] = {u"SystemUpTime", CIM_UINT64},
    [SYS_TIMESTAMP_PERFTIME] = {u"Timestamp_PerfTime", CIM_UINT64},
    [SYS_TIMESTAMP_SYS100NS] = {u"Timestamp_Sys100NS", CIM_UINT64},
    [SYS_TIMESTAMP_OBJECT] = {u"Timestamp_Object", CIM_UINT64},
    [SYS_FREQUENCY_PERFTIME] = {u"Frequency_PerfTime", CIM_UINT64},
    [SYS_FREQUENCY_SYS100NS] = {u"Frequency_Sys100NS", CIM_UINT64},
    [SYS_FREQUENCY_OBJECT] = {u"Frequency_Object", CIM_UINT64},
};

static bool system_values(const struct rp_now *now, unsigned inst, uint64_t *v)
{
    uint64_t count = 0, threads = 0, birth, incarnation;

    if (inst != 0)
        return false;
    /* Consistent with the process class at the same instant. */
    for (unsigned k = 0; k < NPROC; k++) {
        if (process_alive(now->sec, k, &birth, &incarnation)) {
            count++;
            threads += process_threads(now->sec, k);
        }
    }
    v[SYS_PROCESS_COUNT] = count;
    v[SYS_THREADS] = threads;
    v[SYS_CONTEXT_SWITCHES_PERSEC] = (uint32_t)(now->perf_time / 100000 * 37);
    v[SYS_FILE_READ_BYTES_PERSEC] = now->perf_time / 100000 * 40960;
    v[SYS_SYSTEM_UP_TIME] = filetime_of(now->sec - now->sec % SECONDS_PER_DAY);  /* = System's start */
    v[SYS_TIMESTAMP_PERFTIME] = now->perf_time;
    v[SYS_TIMESTAMP_SYS100NS] = now->sys100ns;
    v[SYS_TIMESTAMP_OBJECT] = now->sys100ns;
    v[SYS_FREQUENCY_PERFTIME] = TICKS_PER_SEC;
    v[SYS_FREQUENCY_SYS100NS] = TICKS_PER_SEC;
    v[SYS_FREQUENCY_OBJECT] = TICKS_PER_SEC;
    return true;
}

/* ---- (d) Win32_PerfRawData_HiPerfCheck_Thread (the benchmark class) ------ */

/* A class whose size is a knob, so that hiperfcheck's benchmark
 * (bench/bench_refresh.c) can refresh an enumerator of 1 to 1,000,000
 * instances.  Instances "0", "1", ... "N-1" (decimal, no leading zeros),
 * N = rp_thread_count(), all always present; every value is a pure
 * function of the clock and k, like the other classes. */

enum {
    THR_PERCENT_PROCESSOR_TIME,
    THR_CONTEXT_SWITCHES_PERSEC,
    THR_THREAD_STATE,
    THR_TIMESTAMP_PERFTIME,
    THR_TIMESTAMP_SYS100NS,
    THR_ID_THREAD,            /* constants from here on */
    THR_FREQUENCY_PERFTIME,
    THR_FREQUENCY_SYS100NS,
    THR_NPROPS
};

static const struct rp_prop thread_props[THR_NPROPS] = {
    [THR_PERCENT_PROCESSOR_TIME] = {u"PercentProcessorTime", CIM_UINT64},
    [THR_CONTEXT_SWITCHES_PERSEC] = {u"ContextSwitchesPersec", CIM_UINT32},
    [THR_THREAD_STATE] = {u"ThreadState", CIM_UINT32},
    [THR_TIMESTAMP_PERFTIME] = {u"Timestamp_PerfTime", CIM_UINT64},
    [THR_TIMESTAMP_SYS100NS] = {u"Timestamp_Sys100NS", CIM_UINT64},
    [THR_ID_THREAD] = {u"IDThread", CIM_UINT32},
    [THR_FREQUENCY_PERFTIME] = {u"Frequency_PerfTime", CIM_UINT64},
    [THR_FREQUENCY_SYS100NS] = {u"Frequency_Sys100NS", CIM_UINT64},
};

/* 0 until the environment was read; then the count, forever. */
static atomic_uint thread_count;

unsigned rp_thread_count(void)
{
    unsigned n = atomic_load_explicit(&thread_count, memory_order_acquire), expected = 0;
    const char *text;
    char *end;

    if (n)
        return n;
    n = RP_THREADS_DEFAULT;
    text = getenv(RP_THREADS_ENV);
    if (text && *text >= '0' && *text <= '9') {
        unsigned long long v = strtoull(text, &end, 10);
        if (*end == 0)
            n = v < 1 ? 1 : v > RP_THREADS_MAX ? RP_THREADS_MAX : (unsigned)v;
    }
    /* Every thread computes the same answer; the first to publish wins. */
    if (!atomic_compare_exchange_strong_explicit(&thread_count, &expected, n, memory_order_acq_rel,
                                                 memory_order_acquire))
        n = expected;
    return n;
}

static bool thread_values(const struct rp_now *now, unsigned k, uint64_t *v)
{
    if (k >= rp_thread_count())
        return false;
    v[THR_PERCENT_PROCESSOR_TIME] = now->sys100ns / 100 * (1 + k % 7);            /* 1-7 % */
    v[THR_CONTEXT_SWITCHES_PERSEC] = (uint32_t)(now->perf_time / 100000 * (1 + k % 5)); /* 100-500/s */
    v[THR_THREAD_STATE] = (now->sec + k) % 8;
    v[THR_TIMESTAMP_PERFTIME] = now->perf_time;
    v[THR_TIMESTAMP_SYS100NS] = now->sys100ns;
    v[THR_ID_THREAD] = 4 * (1024 + (uint64_t)k);
    v[THR_FREQUENCY_PERFTIME] = TICKS_PER_SEC;
    v[THR_FREQUENCY_SYS100NS] = TICKS_PER_SEC;
    return true;
}

/* Key value k in decimal into buf (RP_NAME_MAX units). */
static const WCHAR *thread_name(unsigned k, WCHAR *buf)
{
    WCHAR digits[RP_NAME_MAX];
    size_t n = 0, i;

    do {
        digits[n++] = (WCHAR)(u'0' + k % 10);
        k /= 10;
    } while (k);
    for (i = 0; i < n; i++)
        buf[i] = digits[n - 1 - i];
    buf[n] = 0;
    return buf;
}

/* The index named by a decimal key without leading zeros, or -1. */
static int thread_lookup(const WCHAR *key)
{
    unsigned long v = 0;
    size_t n = 0;

    if (!key || !key[0] || (key[0] == u'0' && key[1]))
        return -1;
    for (; key[n]; n++) {
        if (key[n] < u'0' || key[n] > u'9' || n >= 7)
            return -1;
        v = v * 10 + (unsigned long)(key[n] - u'0');
    }
    return v < rp_thread_count() ? (int)v : -1;
}

/* ---- HiPerfCheck_Disk (the ordinary provider's class) ------------------- */

enum { DISK_FREE_SPACE, DISK_SIZE, DISK_NPROPS };

static const struct rp_prop disk_props[DISK_NPROPS] = {
    [DISK_FREE_SPACE] = {u"FreeSpace", CIM_UINT64},
    [DISK_SIZE] = {u"Size", CIM_UINT64},
};

static const WCHAR *const disk_names[2] = {u"C:", u"D:"};

static bool disk_values(const struct rp_now *now, unsigned inst, uint64_t *v)
{
    if (inst == 0) {
        v[DISK_SIZE] = UINT64_C(274877906944);                              /* 256 GiB */
        v[DISK_FREE_SPACE] = UINT64_C(137438953472) - 4096 * (now->sec % 3600);
    } else if (inst == 1) {
        v[DISK_SIZE] = UINT64_C(1099511627776);                             /* 1 TiB */
        v[DISK_FREE_SPACE] = UINT64_C(824633720832) - 65536 * (now->sec % 600);
    } else {
        return false;
    }
    return true;
}

/* ---- the table ---------------------------------------------------------- */

const struct rp_class rp_classes[RP_CLASS_COUNT] = {
    [RP_CLASS_PROCESSOR] = {
        .name = u"Win32_PerfRawData_HiPerfCheck_Processor",
        .key = u"Name",
        .hiperf = true,
        .ninst = NCPU + 1,
        .inst_names = processor_names,
        .nprops = CPU_NPROPS,
        .ndynamic = CPU_FREQUENCY_PERFTIME,
        .props = processor_props,
        .values = processor_values,
    },
    [RP_CLASS_PROCESS] = {
        .name = u"Win32_PerfRawData_HiPerfCheck_Process",
        .key = u"Name",
        .hiperf = true,
        .ninst = NPROC,
        .inst_names = process_names,
        .nprops = PROC_NPROPS,
        .ndynamic = PROC_FREQUENCY_PERFTIME,
        .props = process_props,
        .values = process_values,
    },
    [RP_CLASS_SYSTEM] = {
        .name = u"Win32_PerfRawData_HiPerfCheck_System",
        .key = NULL,
        .hiperf = true,
        .ninst = 1,
        .inst_names = NULL,
        .nprops = SYS_NPROPS,
        .ndynamic = SYS_FREQUENCY_PERFTIME,
        .props = system_props,
        .values = system_values,
    },
    [RP_CLASS_THREAD] = {
        .name = u"Win32_PerfRawData_HiPerfCheck_Thread",
        .key = u"Name",
        .hiperf = true,
        .ninst = 0,
        .inst_names = NULL,
        .count = rp_thread_count,
        .nprops = THR_NPROPS,
        .ndynamic = THR_ID_THREAD,
        .props = thread_props,
        .values = thread_values,
    },
    [RP_CLASS_DISK] = {
        .name = u"HiPerfCheck_Disk",
        .key = u"DeviceID",
        .hiperf = false,
        .ninst = 2,
        .inst_names = disk_names,
        .nprops = DISK_NPROPS,
        .ndynamic = DISK_SIZE,
        .props = disk_props,
        .values = disk_values,
    },
};

_Static_assert(CPU_NPROPS <= RP_MAX_PROPS && PROC_NPROPS <= RP_MAX_PROPS && SYS_NPROPS <= RP_MAX_PROPS &&
                   THR_NPROPS <= RP_MAX_PROPS,
               "RP_MAX_PROPS too small");
_Static_assert(RP_THREADS_MAX <= 1000000u, "thread keys have at most 6 digits (thread_lookup)");

unsigned rp_class_ninst(const struct rp_class *cls)
{
    return cls->count ? cls->count() : cls->ninst;
}

const WCHAR *rp_instance_name(const struct rp_class *cls, unsigned k, WCHAR *buf)
{
    if (!cls->key)
        return NULL;
    if (cls->inst_names)
        return cls->inst_names[k];
    return thread_name(k, buf);
}

size_t rp_wcslen(const WCHAR *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static WCHAR ascii_lower(WCHAR c)
{
    return c >= u'A' && c <= u'Z' ? (WCHAR)(c - u'A' + u'a') : c;
}

bool rp_wcs_ieq(const WCHAR *a, const WCHAR *b)
{
    if (!a || !b)
        return a == b;
    for (; *a && *b; a++, b++)
        if (ascii_lower(*a) != ascii_lower(*b))
            return false;
    return *a == *b;
}

int rp_class_lookup(const WCHAR *name)
{
    if (!name)
        return -1;
    for (int c = 0; c < RP_CLASS_COUNT; c++)
        if (rp_wcs_ieq(rp_classes[c].name, name))
            return c;
    return -1;
}

int rp_instance_lookup(const struct rp_class *cls, const WCHAR *key)
{
    if (!cls->key)
        return key ? -1 : 0;
    if (!key)
        return -1;
    if (!cls->inst_names)
        return thread_lookup(key);
    for (unsigned i = 0; i < cls->ninst; i++)
        if (rp_wcs_ieq(cls->inst_names[i], key))
            return (int)i;
    return -1;
}
