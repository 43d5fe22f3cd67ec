import type { Metadata } from "next";
import { headers } from "next/headers";
import "./globals.css";

export const metadata: Metadata = {
  title: "tickscope",
  description: "Clock-tick and thread-switch latency traces, from the guest to the browser.",
};

// Sets the theme class before the first paint, so a dark-theme user never sees a light flash.
const THEME_SCRIPT = `try{var t=localStorage.getItem("tickscope:theme");var d=t?t==="dark":matchMedia("(prefers-color-scheme: dark)").matches;document.documentElement.classList.toggle("dark",d)}catch(e){}`;

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Rendered per request (reading the request's headers), so that every script carries the CSP nonce
  // proxy.ts made for this request; Next.js adds it to its own scripts, this inline one gets it here.
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen antialiased">{children}</body>
    </html>
  );
}
