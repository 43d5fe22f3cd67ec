import type { Metadata } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: "tickscope",
  description: "Clock-tick and thread-switch latency traces, from the guest to the browser.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Rendered per request, so that Next.js can put the CSP nonce from proxy.ts on its scripts.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-white text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        {children}
      </body>
    </html>
  );
}
