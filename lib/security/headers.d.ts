export function pageContentSecurityPolicy(
  nonce: string,
  development?: boolean,
  readOrigins?: string[],
): string;
export const WORKER_CONTENT_SECURITY_POLICY: string;
export const API_CONTENT_SECURITY_POLICY: string;
export const SECURITY_HEADERS: Record<string, string>;
