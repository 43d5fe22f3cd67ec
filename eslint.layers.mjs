/**
 * The import chain (README, "Layout"; docs/architecture.md), checked by `npm run lint` with
 * eslint-plugin-import's `no-restricted-paths`, which resolves every import (relative, `@/`) to its file.
 * Each folder lists what it may not import; test files are held to their folder's rule too.
 */
const APP = ["./app", "./components", "./proxy.ts", "./instrumentation.ts"];
const OUTSIDE_LIB = [...APP, "./e2e", "./bench", "./collector", "./scripts"];

/**
 * What each folder stands above: lib/format ← lib/summary ← lib/analysis ← lib/url ← lib/workspace,
 * lib/store (each may use everything to its left); lib/analysis ← lib/db ← lib/queries (the tables are built
 * from summaries); lib/security alone.
 */
const CHAIN = ["lib/format", "lib/summary", "lib/analysis", "lib/url"];
const LAYERS = {
  "lib/format": [],
  "lib/summary": CHAIN.slice(0, 1),
  "lib/analysis": CHAIN.slice(0, 2),
  "lib/url": CHAIN.slice(0, 3),
  "lib/workspace": CHAIN,
  "lib/store": CHAIN,
  "lib/db": CHAIN.slice(0, 3),
  "lib/queries": [...CHAIN.slice(0, 3), "lib/db"],
  "lib/security": [],
};

const zones = Object.entries(LAYERS).map(([folder, below]) => ({
  target: `./${folder}`,
  from: [
    ...Object.keys(LAYERS)
      .filter((other) => other !== folder && !below.includes(other))
      .map((other) => `./${other}`),
    ...OUTSIDE_LIB,
  ],
  message: `${folder} imports ${below.length ? `only from ${below.join(", ")}` : "nothing from the rest of the project"} (README, "Layout").`,
}));

const PRODUCTION = [
  "lib/**",
  "components/**",
  "app/**",
  "collector/src/**",
  "proxy.ts",
  "instrumentation.ts",
];
const TESTS = ["**/*.test.ts", "**/*.test.tsx", "**/testing/**"];

export const layers = [
  {
    files: ["**/*.{js,mjs,ts,tsx}"],
    rules: {
      "import/no-restricted-paths": [
        "error",
        {
          zones: [
            ...zones,
            {
              target: "./components",
              from: ["./app", "./lib/store", "./e2e", "./bench", "./collector"],
              message:
                'components import lib/ (not lib/store, the server\'s), never app/ (README, "Layout").',
            },
            {
              target: "./collector/src",
              from: [...APP, "./e2e", "./bench"],
              message: 'collector/ uses lib/, never components/ or app/ (README, "Layout").',
            },
          ],
        },
      ],
    },
  },
  {
    // Test helpers (synthetic traces, bundles, zips) live in `testing/` folders; no production code uses them.
    files: PRODUCTION,
    ignores: TESTS,
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "(^|/)testing(/|$)", message: "testing/ folders serve tests only." }] },
      ],
    },
  },
];
