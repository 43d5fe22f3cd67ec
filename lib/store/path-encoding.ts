/**
 * The first segment of a request path that is not valid percent-encoded UTF-8 (`%ff`, `a%ZZ`), or
 * null. The router cannot decode such a path and would answer a bare 500; the proxy answers 400.
 */
export function undecodableSegment(pathname: string): string | null {
  for (const segment of pathname.split("/")) {
    try {
      decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }
  return null;
}

/** The JSON error body for such a path, shaped like every other API error. */
export function undecodablePathError(segment: string) {
  return {
    error: {
      message: `The path has a bad percent-encoding in "${segment}": each % must start a %XX escape of UTF-8.`,
      field: "path",
      expected: "percent-encoded UTF-8 (%XX, X a hex digit)",
      found: segment,
    },
  };
}
