import { z } from "zod";
import { BUNDLE_FORMAT, SAMPLE_TESTS } from "./contract";

/** The environment fingerprint (`host`): what a reader needs to judge the numbers. Unknown keys are kept. */
export const hostSchema = z.looseObject({
  hostname: z.string().optional(),
  kernel: z.string().optional(),
  preempt: z.string().optional(),
  hz: z.number().int().positive().nullable().optional(),
  nohz: z.union([z.string(), z.boolean()]).nullable().optional(),
  clocksource: z.string().optional(),
  cpu_model: z.string().optional(),
  cpus: z.number().int().positive().optional(),
  isolated_cpus: z.string().nullable().optional(),
  tsc_hz: z.number().positive().nullable().optional(),
  hypervisor: z.string().nullable().optional(),
  /** Whether RT group scheduling is in force: from Linux 6.12 it alone keeps RT throttling. */
  rt_group_sched: z.boolean().nullable().optional(),
  hyperv: z.looseObject({}).nullable().optional(),
  enlightened: z
    .union([z.boolean(), z.null(), z.looseObject({ value: z.boolean().nullable(), reason: z.string() })])
    .optional(),
});
export type HostFingerprint = z.infer<typeof hostSchema>;

/** What a run says about itself: `latency:run` in a file, or the run's entry in a manifest. */
export const runFieldsSchema = z.looseObject({
  environment: z.string().optional(),
  scenario: z.string().optional(),
  threads: z.number().int().positive().optional(),
  loop_iterations: z.number().int().nonnegative().optional(),
  cpu: z.number().int().nonnegative().optional(),
  priority: z.number().int().optional(),
  tsc_hz: z.number().positive().optional(),
  started_at: z.string().optional(),
  host: hostSchema.optional(),
  label: z.string().optional(),
  /** Why the run ended (`samples`, `duration`, a signal…); `crashed` until a run that ends cleanly says otherwise. */
  stopped: z.string().optional(),
  /** Set by `tickscope repair`: "recovered: N samples, the run did not finish". */
  recovered: z.string().optional(),
});
export type RunFields = z.infer<typeof runFieldsSchema>;

export const manifestRunSchema = runFieldsSchema.extend({
  id: z.string().min(1),
  file: z.string().min(1),
  test: z.string().optional(),
  summary: z.string().optional(),
  events: z.string().min(1).optional(),
  steal: z.string().min(1).optional(),
  /** The run's attribution saved by the server at upload (lib/analysis/attribution-codec.ts). */
  attribution: z.string().min(1).optional(),
});
export type ManifestRun = z.infer<typeof manifestRunSchema>;

export const manifestSchema = z.looseObject({
  format: z.literal(BUNDLE_FORMAT),
  version: z.number().int(),
  title: z.string().optional(),
  created_at: z.string().optional(),
  host: hostSchema.optional(),
  runs: z.array(manifestRunSchema),
});
export type Manifest = z.infer<typeof manifestSchema>;

export function isSampleTest(test: string | undefined): test is (typeof SAMPLE_TESTS)[number] {
  return test === "tick" || test === "switch";
}

/** CONFIG_HZ as the run's fingerprint declares it (the run's own `host`, else the bundle's). */
export function declaredHz(fields: RunFields, manifest: Manifest | null): number | null {
  return fields.host?.hz ?? manifest?.host?.hz ?? null;
}
