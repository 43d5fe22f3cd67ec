/** Chart colours come from the page's CSS tokens (app/globals.css), so charts follow the theme. */
export interface ChartTokens {
  text: string;
  muted: string;
  faint: string;
  line: string;
  surface: string;
  accent: string;
  danger: string;
  warn: string;
  ok: string;
}

export const SERIES_COLORS = [
  "#4a7bea",
  "#e8743b",
  "#19a979",
  "#c94fa8",
  "#945ecf",
  "#d4b126",
  "#13a4b4",
  "#6c8893",
];

export function readChartTokens(element: Element = document.documentElement): ChartTokens {
  const style = getComputedStyle(element);
  const token = (name: string) => style.getPropertyValue(`--c-${name}`).trim();
  return {
    text: token("text"),
    muted: token("muted"),
    faint: token("faint"),
    line: token("line"),
    surface: token("surface"),
    accent: token("accent"),
    danger: token("danger"),
    warn: token("warn"),
    ok: token("ok"),
  };
}

/** An ECharts theme object built from the tokens. */
export function chartTheme(tokens: ChartTokens): Record<string, unknown> {
  const axis = {
    axisLine: { lineStyle: { color: tokens.line } },
    axisTick: { lineStyle: { color: tokens.line } },
    axisLabel: { color: tokens.muted, fontSize: 11 },
    splitLine: { lineStyle: { color: tokens.line, opacity: 0.6 } },
    nameTextStyle: { color: tokens.muted, fontSize: 11 },
  };
  return {
    color: [tokens.accent, ...SERIES_COLORS.slice(1)],
    backgroundColor: "transparent",
    textStyle: { color: tokens.text, fontFamily: "ui-sans-serif, system-ui, sans-serif", fontSize: 11 },
    valueAxis: axis,
    logAxis: axis,
    timeAxis: axis,
    categoryAxis: axis,
    legend: { textStyle: { color: tokens.muted, fontSize: 11 } },
    title: { textStyle: { color: tokens.text }, subtextStyle: { color: tokens.muted } },
    tooltip: {
      backgroundColor: tokens.surface,
      borderColor: tokens.line,
      textStyle: { color: tokens.text, fontSize: 11 },
    },
    dataZoom: {
      borderColor: tokens.line,
      textStyle: { color: tokens.muted },
      fillerColor: "rgba(120,150,220,0.15)",
      handleStyle: { color: tokens.surface, borderColor: tokens.accent },
      moveHandleStyle: { color: tokens.line },
      dataBackground: { lineStyle: { color: tokens.faint }, areaStyle: { color: tokens.line } },
    },
    visualMap: { textStyle: { color: tokens.muted } },
  };
}
