"use client";

import { memo, useLayoutEffect, useRef, useState } from "react";
import { cellText, cellValue, type ResultColumn, type ResultSet } from "./result-set";

export const ROW_HEIGHT = 24;
const VIEW_ROWS = 16;
const OVERSCAN = 8;

const CELL_WIDTH = 160;
const RIGHT = new Set<ResultColumn["kind"]>(["integer", "float", "decimal"]);

/** One row of cells; every value is a text node, so a label carrying HTML or SQL stays text. */
export function ResultRow({ result, row, top }: { result: ResultSet; row: number; top: number }) {
  return (
    <div
      role="row"
      aria-rowindex={row + 2}
      data-row={row}
      className="absolute left-0 flex"
      style={{ top, height: ROW_HEIGHT }}
    >
      {result.columns.map((column, index) => {
        const value = cellValue(result, row, index);
        return (
          <div
            key={index}
            role="cell"
            className={`truncate border-b border-line px-2 leading-6 ${RIGHT.has(column.kind) ? "num text-right" : ""} ${
              value === null ? "text-faint italic" : ""
            }`}
            style={{ width: CELL_WIDTH, flex: "none" }}
            title={cellText(value, column)}
          >
            {cellText(value, column)}
          </div>
        );
      })}
    </div>
  );
}

/**
 * The kept rows in a scrolling box: only the rows in view (and a few either side) are in the DOM.
 * Re-rendered only for another answer or a scroll, not when the workbench around it changes.
 */
export const ResultTable = memo(function ResultTable({ result }: { result: ResultSet }) {
  const [scrollTop, setScrollTop] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  // A new answer in the same table starts at its top.
  const [shownResult, setShownResult] = useState(result);
  if (shownResult !== result) {
    setShownResult(result);
    setScrollTop(0);
  }
  // Only a scrolled box is moved back: setting scrollTop would lay the page out at once, in the answer's render.
  const scrolled = useRef(false);
  useLayoutEffect(() => {
    if (box.current && scrolled.current) box.current.scrollTop = 0;
    scrolled.current = false;
  }, [result]);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(result.shown, Math.ceil(scrollTop / ROW_HEIGHT) + VIEW_ROWS + OVERSCAN);
  const width = result.columns.length * CELL_WIDTH;
  return (
    <div
      ref={box}
      data-testid="sql-result-table"
      role="table"
      aria-rowcount={result.shown + 1}
      aria-colcount={result.columns.length}
      className="overflow-auto rounded border border-line text-[12px]"
      style={{ height: ROW_HEIGHT * (VIEW_ROWS + 1) + 2 }}
      onScroll={(event) => {
        scrolled.current = event.currentTarget.scrollTop !== 0;
        setScrollTop(event.currentTarget.scrollTop);
      }}
    >
      <div role="rowgroup" className="sticky top-0 z-10 flex bg-raised" style={{ width, height: ROW_HEIGHT }}>
        <div role="row" aria-rowindex={1} className="flex">
          {result.columns.map((column, index) => (
            <div
              key={index}
              role="columnheader"
              className={`truncate border-b border-line-strong px-2 font-medium leading-6 ${RIGHT.has(column.kind) ? "text-right" : ""}`}
              style={{ width: CELL_WIDTH, flex: "none" }}
              title={`${column.name}: ${column.type}`}
            >
              {column.name} <span className="text-[10.5px] font-normal text-faint">{column.type}</span>
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="relative" style={{ height: result.shown * ROW_HEIGHT, width }}>
        {Array.from({ length: Math.max(0, last - first) }, (_, i) => (
          <ResultRow key={first + i} result={result} row={first + i} top={(first + i) * ROW_HEIGHT} />
        ))}
      </div>
    </div>
  );
});
