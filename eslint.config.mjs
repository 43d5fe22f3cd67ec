import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

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
];

export default config;
