/** Charts of the tuning screens, drawn by Apache ECharts in the app's theme colors. */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useUi } from '../stores/ui';
import type { ChartColors, ChartOption } from './chart-options';

echarts.use([LineChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, CanvasRenderer]);

function themeColors(): ChartColors {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    text: v('--text'),
    muted: v('--text-muted'),
    border: v('--border'),
    panel: v('--bg-elev'),
    font: v('--font-ui') || 'sans-serif',
    palette: [v('--accent'), v('--family-claude'), v('--family-dspy'), v('--family-control'), v('--warning'), v('--family-data'), v('--danger')],
  };
}

/**
 * One chart. `build` gets the theme colors (read again when the theme changes) and returns the
 * full option; the chart follows its container's size.
 */
export function EChart({ build, label, testId, height = 220 }: { build: (c: ChartColors) => ChartOption; label: string; testId?: string; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const theme = useUi((s) => s.theme);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    // Series are replaced, the rest merged: a zoomed-in range survives new points.
    chart.current?.setOption(build(themeColors()), { replaceMerge: ['series'] });
  }, [build, theme]);
  return <div ref={ref} className="echart" role="img" aria-label={label} data-testid={testId} style={{ height }} />;
}
