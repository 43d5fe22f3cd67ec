import { expect, test } from "@playwright/test";

test("DuckDB-WASM starts under the Content-Security-Policy, which blocks injected inline script", async ({
  page,
}) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      (window as unknown as { __violations: string[] }).__violations ??= [];
      (window as unknown as { __violations: string[] }).__violations.push(
        `${event.violatedDirective} ${event.blockedURI}`,
      );
    });
  });

  const response = await page.goto("/");
  const policy = response!.headers()["content-security-policy"];
  expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic' 'wasm-unsafe-eval'/);
  expect(policy).toContain("worker-src 'self' blob:");
  expect(policy).toContain("connect-src 'self'");
  expect(policy).not.toContain("'unsafe-eval'");
  expect(response!.headers()["x-content-type-options"]).toBe("nosniff");
  expect(response!.headers()["referrer-policy"]).toBe("no-referrer");
  expect(response!.headers()["x-frame-options"]).toBe("DENY");

  await expect(page.getByTestId("duckdb-status")).toHaveAttribute("data-state", "ready");
  await expect(page.locator('[data-testid="duckdb-tables"] [data-table="runs"]')).toBeVisible();
  expect(violations).toEqual([]);
  expect(
    await page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []),
  ).toEqual([]);

  // Markup an XSS would inject (the example label) runs nothing, and the browser reports it.
  await page.evaluate(() => {
    const div = document.createElement("div");
    div.innerHTML = '<img src="data:," onerror="window.__injected = true">';
    document.body.append(div);
  });
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []))
    .toEqual([expect.stringMatching(/^script-src/)]);
  expect(
    await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected),
  ).toBeUndefined();
});

test("API answers carry a sandboxing policy and no stack traces", async ({ request }) => {
  const response = await request.get("/api/bundles/AAAAAAAAAAAAAAAAAAAAAA");
  expect(response.status()).toBe(404);
  expect(response.headers()["content-security-policy"]).toContain("sandbox");
  const body = await response.json();
  expect(body.error.message).toContain("does not exist");
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(js|ts):\d+/);
});
