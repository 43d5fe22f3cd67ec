"use client";

import { inlineParams, type Query } from "@/lib/queries/sql";
import { Button } from "../ui/button";

/** Opens the query a view ran in the SQL tab, its parameters written in: shown there, run only on a click. */
export function SqlButton({ query, onOpenSql }: { query: Query | null; onOpenSql: (sql: string) => void }) {
  return (
    <Button
      data-testid="open-sql"
      disabled={!query}
      title="Open this view's query in the SQL tab (shown there, not run)"
      onClick={() => query && onOpenSql(inlineParams(query))}
    >
      SQL
    </Button>
  );
}
