#include "cpu.h"
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) { __cpuid_count(leaf, sub, r[0], r[1], r[2], r[3]); }

void cpu_read_ids(cpu_ids *ids) {
  memset(ids, 0, sizeof *ids);
  ids->available = true;
  uint32_t r[4];
  cpuid(0, 0, r);
  uint32_t max = r[0];
  memcpy(ids->vendor, &r[1], 4);
  memcpy(ids->vendor + 4, &r[3], 4);
  memcpy(ids->vendor + 8, &r[2], 4);
  cpuid(1, 0, r);
  ids->hypervisor_bit = (r[2] >> 31) & 1;
  cpuid(0x80000000, 0, r);
  uint32_t ext = r[0];
  if (ext >= 0x80000001) {
    cpuid(0x80000001, 0, r);
    ids->rdtscp = (r[3] >> 27) & 1;
  }
  if (ext >= 0x80000007) {
    cpuid(0x80000007, 0, r);
    ids->invariant_tsc = (r[3] >> 8) & 1;
  }
  if (ext >= 0x80000004) {
    for (uint32_t i = 0; i < 3; i++) {
      cpuid(0x80000002 + i, 0, r);
      memcpy(ids->brand + 16 * i, r, 16);
    }
    char *b = ids->brand;
    while (*b == ' ') memmove(b, b + 1, strlen(b));
  }
  if (max >= 0x15) {
    cpuid(0x15, 0, r); /* TSC = crystal (ECX) * EBX / EAX */
    if (r[0] && r[1] && r[2]) {
      ids->tsc_hz_cpuid = (double)r[2] * r[1] / r[0];
      ids->tsc_hz_cpuid_source = "CPUID 0x15";
    }
  }
  if (ids->hypervisor_bit) {
    cpuid(0x40000000, 0, r);
    ids->hypervisor_max_leaf = r[0];
    memcpy(ids->hypervisor, &r[1], 4);
    memcpy(ids->hypervisor + 4, &r[2], 4);
    memcpy(ids->hypervisor + 8, &r[3], 4);
    ids->hypervisor[12] = 0;
    if (!strcmp(ids->hypervisor, "Microsoft Hv") && ids->hypervisor_max_leaf >= 0x40000003) {
      cpuid(0x40000003, 0, r);
      memcpy(ids->hv_features, r, sizeof r);
    }
    if (!strcmp(ids->hypervisor, "KVMKVMKVM") && ids->hypervisor_max_leaf >= 0x40000001) {
      cpuid(0x40000001, 0, r);
      ids->kvm_features = r[0];
    }
    /* The "timing information" leaf (VMware, KVM with tsc frequency exposed): EAX = TSC kHz. */
    if (ids->tsc_hz_cpuid == 0 && ids->hypervisor_max_leaf >= 0x40000010) {
      cpuid(0x40000010, 0, r);
      if (r[0]) {
        ids->tsc_hz_cpuid = r[0] * 1000.0;
        ids->tsc_hz_cpuid_source = "CPUID 0x40000010";
      }
    }
  }
}
#else
void cpu_read_ids(cpu_ids *ids) { memset(ids, 0, sizeof *ids); }
#endif
