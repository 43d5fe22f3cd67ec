/** What one upload may hold. Every limit is configurable through the environment (see `readLimits`). */
export interface UploadLimits {
  /** Largest request body, in bytes (413 past it). */
  maxUploadBytes: number;
  /** Most entries (files and folders) in a zip or multipart upload. */
  maxEntries: number;
  /** Largest single file once unpacked, in bytes. */
  maxEntryBytes: number;
  /** Largest bundle once unpacked, in bytes. */
  maxUnpackedBytes: number;
  /** Largest unpacked/packed size ratio, for the whole archive and for each entry (zip bombs). */
  maxExpansionRatio: number;
  /** Most runs one bundle's manifest may name (413 past it). */
  maxRuns: number;
}

const GIB = 1024 ** 3;

export const DEFAULT_LIMITS: UploadLimits = {
  maxUploadBytes: 2 * GIB,
  maxEntries: 4096,
  maxEntryBytes: 4 * GIB,
  maxUnpackedBytes: 8 * GIB,
  maxExpansionRatio: 100,
  maxRuns: 1000,
};

/** Entries and archives this small are never held to the expansion ratio: a tiny JSON file compresses well. */
export const RATIO_EXEMPT_BYTES = 1024 * 1024;

const ENV: Record<keyof UploadLimits, string> = {
  maxUploadBytes: "TICKSCOPE_MAX_UPLOAD_BYTES",
  maxEntries: "TICKSCOPE_MAX_ZIP_ENTRIES",
  maxEntryBytes: "TICKSCOPE_MAX_ENTRY_BYTES",
  maxUnpackedBytes: "TICKSCOPE_MAX_UNPACKED_BYTES",
  maxExpansionRatio: "TICKSCOPE_MAX_EXPANSION_RATIO",
  maxRuns: "TICKSCOPE_MAX_RUNS",
};

/** Limits from the environment; a value that is not a positive number is reported, not silently ignored. */
export function readLimits(env: Record<string, string | undefined> = process.env): UploadLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, name] of Object.entries(ENV) as [keyof UploadLimits, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`${name}: expected a positive number, found "${raw}"`);
    limits[key] = value;
  }
  return limits;
}

/**
 * What the server may derive from one upload (summaries, the served manifest, the index): a fixed
 * allowance, plus a share per sample summarized and per byte of manifest. A saved summary takes at
 * most ~150 bytes per sample (lib/summary/codec.ts stores what is used), so an honest bundle stays
 * far inside this; the bound is what keeps a small upload from writing a large store.
 */
export function derivedBudget(samples: number, manifestBytes: number): number {
  return (
    DERIVED_BASE_BYTES + DERIVED_BYTES_PER_SAMPLE * samples + DERIVED_BYTES_PER_MANIFEST_BYTE * manifestBytes
  );
}

export const DERIVED_BASE_BYTES = 1024 * 1024;
export const DERIVED_BYTES_PER_SAMPLE = 512;
export const DERIVED_BYTES_PER_MANIFEST_BYTE = 8;
