"use client";

import { memo } from "react";
import type { CatalogueTable } from "./catalogue";

/**
 * The catalogue beside the editor: a table's name inserts it, a column's name inserts the column.
 * Re-rendered only when the tables change, not on every run of a query.
 */
export const CatalogueList = memo(function CatalogueList({
  tables,
  onInsert,
}: {
  tables: CatalogueTable[] | null;
  onInsert: (text: string) => void;
}) {
  return (
    <nav
      aria-label="Tables and columns"
      data-testid="sql-catalogue"
      className="max-h-[28rem] overflow-auto rounded border border-line p-2 text-[12px]"
    >
      {tables === null && <p className="text-muted">Reading the tables…</p>}
      {tables?.length === 0 && <p className="text-muted">No tables yet: the tables appear as runs open.</p>}
      {tables?.map((table) => (
        <details key={table.name} open={tables.length <= 3} className="mb-1">
          <summary className="cursor-pointer">
            <button
              type="button"
              className="font-mono font-medium hover:text-accent"
              onClick={() => onInsert(table.name)}
            >
              {table.name}
            </button>{" "}
            {table.rows !== null && (
              <span className="num text-faint">
                {table.rows.toLocaleString("en-US")} {table.rows === 1 ? "row" : "rows"}
              </span>
            )}
          </summary>
          {table.meaning && <p className="ml-3 text-[11px] text-muted">{table.meaning}</p>}
          <ul className="ml-3">
            {table.columns.map((column) => (
              <li key={column.name} title={column.meaning ?? undefined}>
                <button
                  type="button"
                  className="font-mono hover:text-accent"
                  onClick={() => onInsert(column.name)}
                >
                  {column.name}
                </button>{" "}
                <span className="text-faint">{column.type.toLowerCase()}</span>
                {column.meaning && <span className="block text-[11px] text-muted">{column.meaning}</span>}
              </li>
            ))}
          </ul>
        </details>
      ))}
    </nav>
  );
});
