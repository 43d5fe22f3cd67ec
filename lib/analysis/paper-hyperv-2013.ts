/**
 * The published tables of the study tickscope reproduces, copied as data from
 * shared/reference/paper-hyperv-2013.json (shared/ is not part of the repository):
 * H. Fayyad-Kazan, L. Perneel, M. Timmerman, "A Performance Comparison Between Enlightenment and
 * Emulation in Microsoft Hyper-V", Global Journal of Computer Science and Technology XIII(II), 2013.
 * Platform: Intel Xeon E3-1220v2, Hyper-V Server 2012, guests Linux 3.8.4-rt2 (PREEMPT_RT), 1 vCPU,
 * CONFIG_HZ=1000. The scanned text does not say unambiguously which scenario each pair of tables
 * belongs to, so they are named in the order they appear.
 */
export interface PaperTable {
  name: string;
  test: "tick" | "switch";
  metric: "max_tick_overhead_ns" | "max_switch_latency_ns";
  /** environment → value (tick) or environment → threads → value (switch), in ns. */
  rows: Record<string, number | Record<string, number>>;
}

export const PAPER_SOURCE =
  "Fayyad-Kazan, Perneel, Timmerman: A Performance Comparison Between Enlightenment and Emulation in Microsoft Hyper-V, GJCST XIII(II), 2013";

export const PAPER_TABLES: PaperTable[] = [
  {
    name: "first comparison",
    test: "switch",
    metric: "max_switch_latency_ns",
    rows: {
      "bare-machine": { "2": 11200, "1000": 11450 },
      emulated: { "2": 3530000, "1000": 1240000 },
      enlightened: { "2": 63000, "1000": 687000 },
    },
  },
  {
    name: "first comparison",
    test: "tick",
    metric: "max_tick_overhead_ns",
    rows: { "bare-machine": 10000, emulated: 7190000, enlightened: 4080000 },
  },
  {
    name: "second comparison",
    test: "switch",
    metric: "max_switch_latency_ns",
    rows: {
      "bare-machine": { "2": 11200, "1000": 11450 },
      emulated: { "2": 1780000, "1000": 1800000 },
      enlightened: { "2": 1240000, "1000": 1470000 },
    },
  },
  {
    name: "second comparison",
    test: "tick",
    metric: "max_tick_overhead_ns",
    rows: { "bare-machine": 10000, emulated: 4350000, enlightened: 1620000 },
  },
];

/** The study's bare-machine facts: a 68 µs loop, 76 µs with a tick (8 µs cost); minimum switch 0.43 µs. */
export const PAPER_BASELINE = { loopNs: 68000, loopWithTickNs: 76000, tickCostNs: 8000, minSwitchNs: 430 };
