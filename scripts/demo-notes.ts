// What `npm run demo` prints about the bundles it opens: each bundle's host notes (RT throttling…),
// read from its manifest's fingerprint. `tsx scripts/demo-notes.ts DIR` prints them for a folder of bundles.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { hostNotes } from "../lib/analysis/host-notes";
import { hostSchema } from "../lib/format/manifest";

export function demoNotes(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, "manifest.json")))
    .sort()
    .flatMap((name) => {
      const file = join(dir, name, "manifest.json");
      let host: unknown;
      try {
        host = JSON.parse(readFileSync(file, "utf8"))?.host;
      } catch (error) {
        return [`${name}: cannot read ${file}: ${(error as Error).message}`];
      }
      const parsed = hostSchema.safeParse(host);
      return hostNotes(parsed.success ? parsed.data : null).map((note) => `note on ${name}: ${note}`);
    });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
  for (const line of demoNotes(process.argv[2] ?? ".")) console.log(line);
