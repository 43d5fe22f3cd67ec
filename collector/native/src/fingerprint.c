#include "fingerprint.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "cpu.h"

typedef struct {
  const char *source; /* where the kernel config came from, NULL if nowhere */
  char *text;
} kernel_config;

static char *read_stream(FILE *f) {
  buf_t b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_put(&b, chunk, n);
  buf_str(&b);
  return (char *)b.p;
}

static kernel_config read_kernel_config(const char *release) {
  kernel_config k = {0};
  if (access("/proc/config.gz", R_OK) == 0) {
    /* gzip or busybox zcat: the static binary carries no zlib */
    const char *cmds[] = {"gzip -dc /proc/config.gz 2>/dev/null", "zcat /proc/config.gz 2>/dev/null"};
    for (int i = 0; i < 2 && !k.text; i++) {
      FILE *p = popen(cmds[i], "r");
      if (!p) continue;
      char *text = read_stream(p);
      if (pclose(p) == 0 && text && strstr(text, "CONFIG_")) {
        k.text = text;
        k.source = "/proc/config.gz";
      } else {
        free(text);
      }
    }
  }
  if (!k.text) {
    static char path[300];
    snprintf(path, sizeof path, "/boot/config-%s", release);
    if ((k.text = read_text_file(path, 1 << 20))) k.source = path;
  }
  return k;
}

/* The value of CONFIG_<name>, or NULL ("is not set" and absent both read as NULL). */
static const char *config_value(const kernel_config *k, const char *name, char *out, size_t n) {
  if (!k->text) return NULL;
  char key[128];
  snprintf(key, sizeof key, "\nCONFIG_%s=", name);
  const char *p = strstr(k->text, key);
  if (!p) return NULL;
  p += strlen(key);
  size_t len = strcspn(p, "\n");
  if (len >= n) len = n - 1;
  memcpy(out, p, len);
  out[len] = 0;
  return out;
}
static bool config_yes(const kernel_config *k, const char *name) {
  char v[8];
  return config_value(k, name, v, sizeof v) && !strcmp(v, "y");
}

static const char *cmdline_option(const char *cmdline, const char *name, char *out, size_t n) {
  if (!cmdline) return NULL;
  size_t len = strlen(name);
  for (const char *p = cmdline; (p = strstr(p, name)); p += len) {
    if ((p == cmdline || p[-1] == ' ') && p[len] == '=') {
      size_t v = strcspn(p + len + 1, " ");
      if (v >= n) v = n - 1;
      memcpy(out, p + len + 1, v);
      out[v] = 0;
      return out;
    }
  }
  return NULL;
}

static void preempt_model(const kernel_config *k, const char *version, const char *cmdline, const char **model,
                          const char **source) {
  static char value[32];
  char *rt = read_text_file("/sys/kernel/realtime", 16);
  bool is_rt = rt && !strcmp(rt, "1");
  free(rt);
  if (is_rt || config_yes(k, "PREEMPT_RT")) {
    *model = "rt";
    *source = is_rt ? "/sys/kernel/realtime" : "CONFIG_PREEMPT_RT";
    return;
  }
  char *dynamic = read_text_file("/sys/kernel/debug/sched/preempt", 256); /* "none (voluntary) full" */
  if (dynamic) {
    char *open = strchr(dynamic, '('), *close = open ? strchr(open, ')') : NULL;
    if (open && close && (size_t)(close - open - 1) < sizeof value) {
      memcpy(value, open + 1, (size_t)(close - open - 1));
      value[close - open - 1] = 0;
      free(dynamic);
      *model = value;
      *source = "/sys/kernel/debug/sched/preempt";
      return;
    }
    free(dynamic);
  }
  if (config_yes(k, "PREEMPT_DYNAMIC") && cmdline_option(cmdline, "preempt", value, sizeof value)) {
    *model = value;
    *source = "preempt= on the kernel command line (PREEMPT_DYNAMIC)";
    return;
  }
  const char *names[][2] = {
      {"PREEMPT_NONE", "none"}, {"PREEMPT_VOLUNTARY", "voluntary"}, {"PREEMPT", "full"}, {"PREEMPT_LAZY", "lazy"}};
  for (int i = 0; i < 4; i++)
    if (config_yes(k, names[i][0])) {
      *model = names[i][1];
      *source = config_yes(k, "PREEMPT_DYNAMIC")
                    ? "the kernel config's default (PREEMPT_DYNAMIC; debugfs not mounted, no preempt= option)"
                    : "the kernel config";
      return;
    }
  if (strstr(version, "PREEMPT_RT"))
    *model = "rt";
  else if (strstr(version, "PREEMPT_DYNAMIC"))
    *model = NULL;
  else if (strstr(version, "PREEMPT"))
    *model = "full";
  else
    *model = NULL;
  *source = *model ? "uname -v" : "unknown (no kernel config, no debugfs)";
}

static bool exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static double measure_hz(const counter_info *c) {
  counter_pair a = counter_pair_read(c);
  struct timespec pause = {0, 100 * 1000 * 1000};
  nanosleep(&pause, NULL);
  return counter_hz(c, a, counter_pair_read(c));
}

/* Whether RT group scheduling is in force. From Linux 6.12 it alone keeps RT throttling (sched_rt_runtime_us);
 * without it the fair server stalls a starved CPU's RT tasks instead. 6.16+ can build it disabled by default
 * (RT_GROUP_SCHED_DEFAULT_DISABLED) and switch it with rt_group_sched= on the command line. */
static void rt_group_sched_json(json_t *j, const kernel_config *k, const char *cmdline) {
  if (!k->text) {
    json_null(j, "rt_group_sched");
    json_str(j, "rt_group_sched_source", "unknown: no /proc/config.gz or /boot/config-<release>");
    return;
  }
  char option[8];
  bool built = config_yes(k, "RT_GROUP_SCHED");
  bool on = built && !config_yes(k, "RT_GROUP_SCHED_DEFAULT_DISABLED");
  const char *source = k->source;
  if (built && cmdline_option(cmdline, "rt_group_sched", option, sizeof option)) {
    on = strcmp(option, "0") != 0;
    source = "the rt_group_sched= boot option";
  }
  json_bool(j, "rt_group_sched", on);
  json_str(j, "rt_group_sched_source", source);
}

void fingerprint_json(buf_t *out, const counter_info *counter, double tsc_hz) {
  struct utsname u;
  uname(&u);
  cpu_ids ids;
  cpu_read_ids(&ids);
  kernel_config k = read_kernel_config(u.release);
  char *cmdline = read_text_file("/proc/cmdline", 8192);
  char *clocksource = read_text_file("/sys/devices/system/clocksource/clocksource0/current_clocksource", 256);
  char *clocksources = read_text_file("/sys/devices/system/clocksource/clocksource0/available_clocksource", 512);
  char *clockevent = read_text_file("/sys/devices/system/clockevents/clockevent0/current_device", 256);
  char *isolated = read_text_file("/sys/devices/system/cpu/isolated", 1024);
  char *nohz_full = read_text_file("/sys/devices/system/cpu/nohz_full", 1024);

  json_t j;
  json_begin(&j, out);
  json_str(&j, "hostname", u.nodename);
  json_str(&j, "kernel", u.release);
  json_str(&j, "kernel_version", u.version);
  json_str(&j, "machine", u.machine);

  const char *preempt, *preempt_source;
  preempt_model(&k, u.version, cmdline, &preempt, &preempt_source);
  json_str(&j, "preempt", preempt);
  json_str(&j, "preempt_source", preempt_source);

  char hz[32];
  if (config_value(&k, "HZ", hz, sizeof hz)) {
    json_int(&j, "hz", atoll(hz));
    json_str(&j, "hz_source", k.source);
  } else {
    json_null(&j, "hz");
    json_str(&j, "hz_source", "unknown: no /proc/config.gz or /boot/config-<release>");
  }
  char nohz_opt[16];
  const char *nohz = NULL;
  if (nohz_full && *nohz_full && strcmp(nohz_full, "(null)"))
    nohz = "full";
  else if (cmdline_option(cmdline, "nohz", nohz_opt, sizeof nohz_opt) && !strcmp(nohz_opt, "off"))
    nohz = "off";
  else if (config_yes(&k, "NO_HZ_IDLE") || config_yes(&k, "NO_HZ_FULL"))
    nohz = "idle";
  else if (config_yes(&k, "HZ_PERIODIC"))
    nohz = "periodic";
  json_str(&j, "nohz", nohz);
  json_str(&j, "nohz_full_cpus", nohz && !strcmp(nohz, "full") ? nohz_full : NULL);
  json_str(&j, "clocksource", clocksource);
  json_str(&j, "clocksources_available", clocksources);
  json_str(&j, "clockevent", clockevent);

  char model[256] = "";
  FILE *cpuinfo = fopen("/proc/cpuinfo", "r");
  if (cpuinfo) {
    char line[512];
    while (fgets(line, sizeof line, cpuinfo))
      if (!strncmp(line, "model name", 10) && strchr(line, ':')) {
        snprintf(model, sizeof model, "%s", strchr(line, ':') + 2);
        model[strcspn(model, "\n")] = 0;
        break;
      }
    fclose(cpuinfo);
  }
  json_str(&j, "cpu_model", *model ? model : (*ids.brand ? ids.brand : NULL));
  json_int(&j, "cpus", sysconf(_SC_NPROCESSORS_ONLN));
  json_str(&j, "isolated_cpus", isolated && *isolated ? isolated : NULL);
  char *rt_runtime = read_text_file("/proc/sys/kernel/sched_rt_runtime_us", 64);
  char *rt_period = read_text_file("/proc/sys/kernel/sched_rt_period_us", 64);
  if (rt_runtime) json_int(&j, "sched_rt_runtime_us", atoll(rt_runtime)); /* -1: no RT throttling */
  if (rt_period) json_int(&j, "sched_rt_period_us", atoll(rt_period));
  rt_group_sched_json(&j, &k, cmdline);
  free(rt_runtime);
  free(rt_period);

  json_str(&j, "counter", counter->name);
  json_str(&j, "counter_note", counter->reason);
  if (ids.available) json_bool(&j, "invariant_tsc", ids.invariant_tsc);
  if (tsc_hz <= 0) tsc_hz = counter->kind == COUNTER_MONOTONIC_RAW ? 0 : measure_hz(counter);
  if (tsc_hz > 0)
    json_num(&j, "tsc_hz", tsc_hz);
  else
    json_null(&j, "tsc_hz");
  json_str(&j, "tsc_hz_source", tsc_hz > 0 ? "measured against CLOCK_MONOTONIC_RAW" : "no cycle counter in use");
  if (counter->hz_nominal > 0) {
    json_num(&j, "tsc_hz_nominal", counter->hz_nominal);
    json_str(&j, "tsc_hz_nominal_source", counter->hz_nominal_source);
  }

  bool vmbus = exists("/sys/bus/vmbus");
  bool hyperv = !strcmp(ids.hypervisor, "Microsoft Hv");
  json_str(&j, "hypervisor", ids.hypervisor_bit && *ids.hypervisor ? ids.hypervisor : NULL);
  if (hyperv || vmbus) {
    json_open(&j, "hyperv");
    char hex[16];
    const char *regs[] = {"eax", "ebx", "ecx", "edx"};
    json_open(&j, "cpuid_0x40000003");
    for (int i = 0; i < 4; i++) {
      snprintf(hex, sizeof hex, "0x%08x", ids.hv_features[i]);
      json_str(&j, regs[i], hex);
    }
    json_close(&j);
    /* bit names per the Hyper-V TLFS (HV_X64_MSR_* available, EDX: direct synthetic timers) */
    json_bool(&j, "reference_counter", ids.hv_features[0] >> 1 & 1);
    json_bool(&j, "synthetic_timers", ids.hv_features[0] >> 3 & 1);
    json_bool(&j, "reference_tsc_page", ids.hv_features[0] >> 9 & 1);
    json_bool(&j, "frequency_msrs", ids.hv_features[0] >> 11 & 1);
    json_bool(&j, "stimer_direct_mode_available", ids.hv_features[3] >> 19 & 1);
    json_bool(&j, "vmbus", vmbus);
    const char *stimer = clockevent && strstr(clockevent, "Hyper-V")
                             ? (ids.hv_features[3] >> 19 & 1 ? "direct" : "vmbus-message")
                             : "not in use";
    json_str(&j, "stimer", stimer);
    json_close(&j);
  } else {
    json_null(&j, "hyperv");
  }
  if (!strcmp(ids.hypervisor, "KVMKVMKVM")) {
    char hex[16];
    snprintf(hex, sizeof hex, "0x%08x", ids.kvm_features);
    json_open(&j, "kvm");
    json_str(&j, "cpuid_0x40000001_eax", hex);
    json_bool(&j, "kvm_clock", ids.kvm_features & ((1u << 0) | (1u << 3)));
    json_close(&j);
  }

  /* enlightened: the study's term for a Hyper-V guest that uses the hypervisor's synthetic devices
   * (VMBus, the reference TSC page, synthetic timers) instead of emulated hardware. */
  buf_t reason = {0};
  const char *env_guess;
  json_open(&j, "enlightened");
  if (!ids.hypervisor_bit && !vmbus) {
    json_null(&j, "value");
    buf_printf(&reason, "no hypervisor (CPUID.1:ECX bit 31 clear): a bare machine");
    env_guess = "bare-machine";
  } else if (hyperv || vmbus) {
    bool hv_clock = clocksource && !strncmp(clocksource, "hyperv", 6);
    bool hv_timer = clockevent && strstr(clockevent, "Hyper-V");
    bool yes = vmbus || hv_clock || hv_timer;
    json_bool(&j, "value", yes);
    buf_printf(&reason, "Hyper-V guest: /sys/bus/vmbus %s, clocksource %s, clockevent %s", vmbus ? "present" : "absent",
               clocksource ? clocksource : "unknown", clockevent ? clockevent : "unknown");
    buf_printf(&reason, yes ? ": it uses Hyper-V's synthetic devices" : ": no synthetic device in use, emulated");
    env_guess = yes ? "enlightened" : "emulated";
  } else {
    json_null(&j, "value");
    buf_printf(&reason, "hypervisor %s, not Hyper-V: 'enlightened' is Hyper-V's term (clocksource %s)",
               *ids.hypervisor ? ids.hypervisor : "unnamed", clocksource ? clocksource : "unknown");
    env_guess = !strcmp(ids.hypervisor, "KVMKVMKVM")      ? "kvm"
                : !strcmp(ids.hypervisor, "XenVMMXenVMM") ? "xen"
                : !strcmp(ids.hypervisor, "VMwareVMware") ? "vmware"
                                                          : "virtual-machine";
  }
  json_str(&j, "reason", buf_str(&reason));
  json_close(&j);
  json_str(&j, "environment_guess", env_guess);
  json_end(&j);

  buf_free(&reason);
  free(k.text);
  free(cmdline);
  free(clocksource);
  free(clocksources);
  free(clockevent);
  free(isolated);
  free(nohz_full);
}
