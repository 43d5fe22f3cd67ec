import { z } from "zod";

/**
 * Zod 4 probes whether it may compile parsers with `new Function` the first time an object schema is
 * built. The page's Content-Security-Policy forbids eval, so the browser reports that probe as a
 * violation even though zod catches it and falls back; jitless skips the probe. Import this module
 * before any module that builds a schema (first in the page's client entry).
 */
z.config({ jitless: true });
