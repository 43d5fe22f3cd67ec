"use client";

import type { RefObject } from "react";
import { Button } from "../ui/button";
import { download } from "../ui/download";
import type { ChartHandle } from "./echart";

/** "PNG" beside a chart: saves what is on screen, at twice the pixel density. */
export function PngButton({ chart, name }: { chart: RefObject<ChartHandle | null>; name: string }) {
  return (
    <Button
      variant="ghost"
      aria-label={`Save ${name} as PNG`}
      onClick={() => {
        const url = chart.current?.toPng();
        if (url) download(`${name.replace(/[^\w.-]+/g, "-")}.png`, url);
      }}
    >
      PNG
    </Button>
  );
}
