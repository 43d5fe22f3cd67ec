import { DuckdbStatus } from "@/components/duckdb-status";

export default function HomePage() {
  return (
    <main className="mx-auto max-w-5xl space-y-6 p-8">
      <header>
        <h1 className="text-2xl font-bold tracking-tight">tickscope</h1>
        <p className="text-slate-600 dark:text-slate-400">
          Clock-tick and thread-switch latency, measured in the guest, explored here.
        </p>
      </header>
      <DuckdbStatus />
    </main>
  );
}
