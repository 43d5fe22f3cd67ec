"use client";

import type { RefObject } from "react";
import { Button } from "../ui/button";
import { download } from "../ui/download";
import type { ChartHandle } from "./echart";
import type { ExportMeta } from "./options/export";

/**
 * "PNG" beside a chart: saves what is on screen at twice the pixel density, titled with the view, the
 * run, the host and the unit, without the zoom slider.
 */
export function PngButton({
  chart,
  name,
  meta,
}: {
  chart: RefObject<ChartHandle | null>;
  name: string;
  meta?: ExportMeta;
}) {
  return (
    <Button
      variant="ghost"
      aria-label={`Save ${name} as PNG`}
      onClick={() => {
        const url = chart.current?.toPng(meta ?? { title: name, run: "", unit: "" });
        if (url) download(`${name.replace(/[^\w.-]+/g, "-")}.png`, url);
      }}
    >
      PNG
    </Button>
  );
}
