import { BarChart, CustomChart, HeatmapChart, LineChart, ScatterChart } from "echarts/charts";
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  AriaComponent,
  ToolboxComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

// Only what the dashboard draws: keeps the client bundle small.
echarts.use([
  LineChart,
  ScatterChart,
  BarChart,
  HeatmapChart,
  CustomChart,
  GridComponent,
  DataZoomComponent,
  TooltipComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  TitleComponent,
  VisualMapComponent,
  AriaComponent,
  ToolboxComponent,
  CanvasRenderer,
]);

export { echarts };
