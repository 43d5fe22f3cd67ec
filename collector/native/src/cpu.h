/* What CPUID says: counter features, the hypervisor's signature and Hyper-V's feature leaves. */
#ifndef TICKSCOPE_CPU_H
#define TICKSCOPE_CPU_H
#include <stdbool.h>
#include <stdint.h>

typedef struct {
  bool available; /* x86 */
  bool invariant_tsc, rdtscp, hypervisor_bit;
  char vendor[13];
  char brand[49];
  char hypervisor[13]; /* CPUID 0x40000000 EBX:ECX:EDX, "" when none */
  uint32_t hypervisor_max_leaf;
  uint32_t hv_features[4]; /* CPUID 0x40000003 EAX, EBX, ECX, EDX (Hyper-V only) */
  uint32_t kvm_features;   /* CPUID 0x40000001 EAX (KVM only) */
  double tsc_hz_cpuid;     /* from CPUID 0x15 or the hypervisor's 0x40000010 leaf, 0 when neither */
  const char *tsc_hz_cpuid_source;
} cpu_ids;

void cpu_read_ids(cpu_ids *ids);
#endif
