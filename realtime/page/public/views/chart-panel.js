// One chart of the analytics page: a figure with a caption, a Chart.js canvas (Chart.js is served
// by this server at /page/vendor/, loaded on first use, never from a CDN) and the same numbers as a
// table under a disclosure, for screen readers and for copying. `update` changes the chart's data
// in place (no redraw from scratch, no animation) and rewrites the table.
import { el, replace } from '../dom.js';

/** Where the server serves Chart.js's UMD build (realtime/page/page-routes.ts). */
const CHART_JS_URL = '/page/vendor/chart.umd.min.js';

/** @type {Promise<any> | undefined} */
let loading;

/**
 * Chart.js, loaded once: its UMD build sets `globalThis.Chart` when imported as a module.
 * @returns {Promise<any>}
 */
export function loadChartJs() {
  loading ??= import(CHART_JS_URL).then(() => {
    const chart = /** @type {any} */ (globalThis).Chart;
    if (typeof chart !== 'function') throw new Error('Chart.js did not load');
    return chart;
  });
  return loading;
}

/** A colour of the page's palette (style.css custom properties). @param {string} name */
export const paletteColour = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#0b5cad';

/**
 * @typedef {{ label: string, data: (number | null)[], colour: string }} Series
 * @typedef {{
 *   element: HTMLElement,
 *   update: (labels: string[], series: Series[]) => void,
 *   destroy: () => void,
 * }} ChartPanel
 */

/**
 * @param {any} Chart the Chart.js constructor
 * @param {{ id: string, title: string, description: string, type: 'line' | 'bar', format: (value: number) => string, yMax?: number }} options
 * @returns {ChartPanel}
 */
export function chartPanel(Chart, options) {
  const canvas = el('canvas', { id: options.id, role: 'img', 'aria-label': `${options.title}: ${options.description}` });
  const body = el('tbody');
  const head = el('thead');
  const table = el('table', { class: 'history chart-table', id: `${options.id}-table` }, el('caption', {}, options.title), head, body);
  const element = el('figure', { class: 'chart-panel', 'aria-labelledby': `${options.id}-caption` },
    el('figcaption', { id: `${options.id}-caption` }, el('strong', {}, options.title), ' ', el('span', { class: 'hint' }, options.description)),
    el('div', { class: 'chart-box' }, canvas),
    el('details', { class: 'chart-data' }, el('summary', {}, `${options.title}: the numbers`), table));
  const chart = new Chart(canvas, {
    type: options.type,
    data: { labels: [], datasets: [] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 } },
        y: { beginAtZero: true, ...(options.yMax !== undefined ? { max: options.yMax } : {}), ticks: { callback: (/** @type {number} */ value) => options.format(value) } },
      },
      plugins: {
        legend: { display: true, position: 'bottom' },
        tooltip: { callbacks: { label: (/** @type {any} */ item) => `${item.dataset.label}: ${item.raw === null ? 'none' : options.format(item.raw)}` } },
      },
    },
  });

  /** @type {ChartPanel['update']} */
  const update = (labels, series) => {
    // The chart's own arrays are changed in place, so Chart.js moves what changed and keeps the rest.
    chart.data.labels.splice(0, chart.data.labels.length, ...labels);
    series.forEach((s, i) => {
      const existing = chart.data.datasets[i];
      if (existing === undefined) {
        chart.data.datasets.push({ label: s.label, data: [...s.data], borderColor: s.colour, backgroundColor: s.colour, pointRadius: 2, tension: 0, spanGaps: true });
      } else {
        existing.label = s.label;
        existing.data.splice(0, existing.data.length, ...s.data);
      }
    });
    chart.data.datasets.splice(series.length);
    chart.update('none');
    replace(head, el('tr', {}, el('th', { scope: 'col' }, 'When'), series.map((s) => el('th', { scope: 'col' }, s.label))));
    replace(body, labels.map((label, row) => el('tr', {}, el('th', { scope: 'row' }, label), series.map((s) => {
      const value = s.data[row];
      return el('td', {}, value === null || value === undefined ? '–' : options.format(value));
    }))));
  };

  return { element, update, destroy: () => chart.destroy() };
}
