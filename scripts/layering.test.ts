import { join } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const eslint = new ESLint({ cwd: ROOT });

/** The layering rules' complaints about `code` if it stood at `file` (nothing is written). */
async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return result.messages
    .filter((m) => m.ruleId === "import/no-restricted-paths" || m.ruleId === "no-restricted-imports")
    .map((m) => m.message);
}

describe("the lint's layering check (eslint.layers.mjs)", () => {
  it("fails a wrong-way import in production code, relative or through @/", async () => {
    expect(
      await layeringErrors("lib/format/wrong-way.ts", 'export { summarizeRun } from "../summary";\n'),
    ).toEqual([expect.stringMatching(/lib\/format imports nothing from the rest of the project/)]);
    expect(
      await layeringErrors("lib/summary/wrong-way.ts", 'export { runReport } from "@/lib/analysis";\n'),
    ).toEqual([expect.stringMatching(/lib\/summary imports only from lib\/format/)]);
    expect(
      await layeringErrors("lib/analysis/wrong-way.ts", 'export * from "../url/view-state";\n'),
    ).toHaveLength(1);
    expect(
      await layeringErrors("collector/src/wrong-way.ts", 'export * from "../../components/ui/button";\n'),
    ).toEqual([expect.stringMatching(/never components/)]);
  });

  it("holds test files to their folder's place in the chain", async () => {
    expect(
      await layeringErrors(
        "lib/format/wrong-way.test.ts",
        'export { craftZip } from "../store/testing/craft-zip";\n',
      ),
    ).toHaveLength(1);
    expect(
      await layeringErrors(
        "lib/workspace/wrong-way.test.ts",
        'export { tickBundle } from "@/e2e/fixtures/bundles";\n',
      ),
    ).toHaveLength(1);
  });

  it("keeps testing/ folders out of production code, and lets tests use them", async () => {
    const helper = 'export { buildBundle } from "../format/testing/bundle";\n';
    expect(await layeringErrors("lib/store/wrong-way.ts", helper)).toEqual([
      expect.stringMatching(/testing\/ folders serve tests only/),
    ]);
    expect(await layeringErrors("lib/store/right-way.test.ts", helper)).toEqual([]);
  });

  it("passes the imports the chain allows", async () => {
    expect(
      await layeringErrors("lib/summary/right-way.ts", 'export { COLUMN } from "../format/contract";\n'),
    ).toEqual([]);
    expect(await layeringErrors("lib/store/right-way.ts", 'export * from "../url/view-state";\n')).toEqual(
      [],
    );
    expect(
      await layeringErrors("lib/workspace/right-way.ts", 'export * from "../analysis/statistic";\n'),
    ).toEqual([]);
    expect(
      await layeringErrors("components/right-way.ts", 'export * from "@/lib/workspace/types";\n'),
    ).toEqual([]);
  });
});
