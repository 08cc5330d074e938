// Charts by uPlot, served by this server from its installed package (/assets/vendor/). The library
// loads on first use, so pages without charts never fetch it.
import { h } from './h.js';

let loading;

/** Resolves the uPlot constructor once its script and stylesheet are in the page. */
export function loadCharts() {
  loading ??= new Promise((resolve, reject) => {
    document.head.append(h('link', { rel: 'stylesheet', href: '/assets/vendor/uplot.css' }));
    const script = h('script', { src: '/assets/vendor/uplot.js' });
    script.addEventListener('load', () => resolve(window.uPlot));
    script.addEventListener('error', () => {
      loading = undefined;
      script.remove();
      reject(new Error('the chart library did not load'));
    });
    document.head.append(script);
  });
  return loading;
}

/** Local midnight of a "YYYY-MM-DD" day, in seconds (uPlot's time scale). */
const daySeconds = (day) => {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year, month - 1, date).getTime() / 1000;
};

const HEIGHT = 260;

/**
 * Bars per day into `container` (already in the page, so it has a width), one series each
 * ({ label, values, color }), stacked when asked. `format` writes a value for the axis and legend.
 * Returns the chart; call `.destroy()` when the page goes.
 */
export function dayBars(uPlot, container, { days, series, stacked = false, format = String }) {
  const xs = days.map(daySeconds);
  // Stacked: each series is drawn up to the running total, the topmost first, so each bar shows
  // through above the ones drawn after it.
  const running = new Array(days.length).fill(0);
  const heights = series.map((s) => s.values.map((value, i) => (stacked ? (running[i] += value) : value)));
  const order = stacked ? series.map((_, i) => series.length - 1 - i) : series.map((_, i) => i);
  const bars = uPlot.paths.bars({ size: [stacked ? 0.7 : 0.6, 48], align: 0 });
  const maxY = Math.max(1, ...heights.flat());
  const options = {
    width: Math.max(280, container.clientWidth),
    height: HEIGHT,
    scales: {
      // Half a day either side, so the first and last days' bars are whole.
      x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] },
      y: { range: () => [0, maxY * 1.1] },
    },
    axes: [
      { stroke: '#5b6475', grid: { show: false } },
      { stroke: '#5b6475', size: 64, values: (_u, ticks) => ticks.map(format), grid: { stroke: '#e6e9ef' } },
    ],
    series: [
      {
        label: 'Day',
        value: (_u, seconds) => (seconds ? new Date(seconds * 1000).toLocaleDateString() : ''),
      },
      ...order.map((i) => ({
        label: series[i].label,
        fill: series[i].color,
        stroke: series[i].color,
        width: 0,
        paths: bars,
        points: { show: false },
        // The legend shows the series' own value, not the running total the bar is drawn to.
        value: (_u, _v, _s, index) => (index === null ? '—' : format(series[i].values[index] ?? 0)),
      })),
    ],
    legend: { live: true },
    cursor: { points: { show: false }, drag: { x: false, y: false } },
  };
  return new uPlot(options, [xs, ...order.map((i) => heights[i])], container);
}

/** Resizes charts with their containers; returns the function that stops it. */
export function keepSized(charts) {
  const resize = () => {
    for (const { chart, container } of charts) {
      chart.setSize({ width: Math.max(280, container.clientWidth), height: HEIGHT });
    }
  };
  window.addEventListener('resize', resize);
  return () => {
    window.removeEventListener('resize', resize);
    for (const { chart } of charts) chart.destroy();
  };
}
