import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import { layers } from "./eslint.layers.mjs";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      "node_modules/**",
      ".next/**",
      "public/**",
      "next-env.d.ts",
      "bench-results/**",
      "test-results/**",
      "playwright-report/**",
      "collector/native/**",
    ],
  },
  ...layers,
];

export default config;
