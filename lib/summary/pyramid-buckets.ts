import { DEFAULT_PYRAMID_BUCKETS } from "./pyramid";

/**
 * Samples per level-0 bucket up to which the pyramid keeps its default size. Past it (runs of over 134M
 * samples), level 0 gets more buckets, so that the windows too fine for it, which are read from the raw
 * batches, hold no more samples than a 50M run's do: a 24 h run zooms like a short one.
 */
const SAMPLES_PER_BUCKET = 1024;
/** 2^20 buckets: a saved summary's level 0 of at most 75 MB. */
export const MOST_PYRAMID_BUCKETS = 1 << 20;

/** Level 0's bucket count for a run of about `samples` samples (an estimate is enough: from its size). */
export function pyramidBucketsFor(samples: number): number {
  let buckets = DEFAULT_PYRAMID_BUCKETS;
  while (buckets < MOST_PYRAMID_BUCKETS && samples / buckets > SAMPLES_PER_BUCKET) buckets *= 2;
  return buckets;
}
