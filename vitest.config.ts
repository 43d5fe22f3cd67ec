import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const alias = { "@": fileURLToPath(new URL(".", import.meta.url)) };
// The sampler's tests measure this machine for real: they run after everything else, alone, so that no
// other test competes with the measured CPU (a busy sibling makes the calibrated loop 2-3x off).
const SAMPLER_TESTS = [
  "collector/test/real-runs.test.ts",
  "collector/test/events-real.test.ts",
  "collector/test/events-real-crash.test.ts",
  "collector/test/streaming.test.ts",
  "collector/test/attribution-real.test.ts",
  "collector/test/recover-real.test.ts",
];

export default defineConfig({
  resolve: { alias },
  test: {
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: [
            "lib/**/*.test.ts",
            "collector/**/*.test.ts",
            "components/**/*.test.ts",
            "app/**/*.test.ts",
            "scripts/**/*.test.ts",
          ],
          exclude: SAMPLER_TESTS,
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve: { alias },
        test: {
          name: "sampler",
          include: SAMPLER_TESTS,
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
