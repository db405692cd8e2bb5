/** Chart options shared by the tuning screens: theme-colored axes, tooltip, legend, zoom (pure: no DOM). */
import type { ComposeOption } from 'echarts/core';
import type { LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { DataZoomComponentOption, GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';

export type ChartOption = ComposeOption<LineSeriesOption | ScatterSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | DataZoomComponentOption>;

/** Past this many points a series gets a zoom slider (and wheel zoom inside the plot). */
export const ZOOM_FROM = 30;

export interface ChartColors {
  text: string;
  muted: string;
  border: string;
  panel: string;
  font: string;
  palette: string[];
}

/** The look of a value axis in the theme's colors; `name` carries the unit. */
export function valueAxis(c: ChartColors, name: string, format: (v: number) => string, range: { min?: number; max?: number } = {}) {
  return {
    type: 'value' as const,
    name,
    nameLocation: 'middle' as const,
    nameGap: 30,
    nameTextStyle: { color: c.muted },
    axisLine: { show: true, lineStyle: { color: c.border } },
    axisLabel: { color: c.muted, formatter: format },
    splitLine: { lineStyle: { color: c.border } },
    ...range,
  };
}

/** Colors, font, grid, legend and tooltip styling every chart shares. */
export function baseOption(c: ChartColors) {
  return {
    // Progress updates redraw often: no grow-in animation, points show where they are at once.
    animation: false,
    color: c.palette,
    textStyle: { fontFamily: c.font },
    grid: { left: 64, right: 36, top: 36, bottom: 48 },
    legend: { top: 0, textStyle: { color: c.text }, itemGap: 14 },
    tooltip: { backgroundColor: c.panel, borderColor: c.border, textStyle: { color: c.text } },
  };
}

/** Zoom for long series: a slider under the plot and the mouse wheel inside it. */
export function zoomFor(points: number): ChartOption['dataZoom'] {
  return points > ZOOM_FROM ? [{ type: 'inside' }, { type: 'slider', height: 14, bottom: 2 }] : [];
}

