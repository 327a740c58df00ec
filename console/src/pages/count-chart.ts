/**
 * A campaign's signatures drawn with uPlot (a maintained canvas chart, ~21 KiB gzipped): the count
 * over time with the goal as a dashed line, or new signatures per day as bars. The canvas is one
 * image to a screen reader, named with its summary; the overview's table beneath holds the numbers.
 *
 * uPlot sets its elements' sizes and positions through the CSSOM (`element.style.width = …`),
 * which a Content Security Policy does not govern (only `style` attributes and `<style>` are), and
 * its stylesheet is a file of the build: nothing it does needs `'unsafe-inline'`.
 */
import { html, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DayCount } from '../../../server/src/routes/console/console-api.js';
import { formatDay, formatNumber } from '../internal/format.js';
import { LightElement } from '../internal/light-element.js';

const HEIGHT = 220;
const DAY_SECONDS = 86_400;

/**
 * @cssproperty --chart-line - The count's line and the bars.
 * @cssproperty --chart-goal - The goal's line.
 * @cssproperty --chart-axis - Axis labels and ticks.
 * @cssproperty --chart-grid - Grid lines.
 */
export class CountChart extends LightElement {
  /** The days to draw, oldest first. */
  @property({ attribute: false }) days: DayCount[] = [];
  /** The goal line (the count chart only). */
  @property({ attribute: false }) goal: number | null = null;
  /** `total`: the count over time; `added`: new signatures per day. */
  @property() kind: 'total' | 'added' = 'total';
  /** What the image shows, for screen readers. */
  @property() label = '';

  private _plot: uPlot | undefined;
  private readonly _resize = new ResizeObserver(() => this._plot?.setSize({ width: this._width(), height: HEIGHT }));

  override connectedCallback(): void {
    super.connectedCallback();
    this._resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._resize.disconnect();
    this._plot?.destroy();
    this._plot = undefined;
  }

  protected override render(): TemplateResult {
    return html`<div class="chart-canvas" role="img" aria-label=${this.label}></div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('days') || changed.has('goal') || changed.has('kind')) this._draw();
  }

  /** The axes' dates and numbers are written in the console's language: drawn again in the new one. */
  protected override languageChanged(): void {
    super.languageChanged();
    void this.updateComplete.then(() => this._draw());
  }

  private _draw(): void {
    this._plot?.destroy();
    this._plot = undefined;
    const target = this.querySelector<HTMLElement>('.chart-canvas');
    if (!target || this.days.length === 0) return;
    this._plot = new uPlot(this._options(), this._data(), target);
  }

  private _width(): number {
    return Math.max(240, this.clientWidth);
  }

  private _data(): uPlot.AlignedData {
    const xs = this.days.map((day) => Date.parse(`${day.date}T00:00:00Z`) / 1000);
    if (this.kind === 'added') return [xs, this.days.map((day) => day.added)];
    const totals = this.days.map((day) => day.total);
    return this.goal === null ? [xs, totals] : [xs, totals, totals.map(() => this.goal)];
  }

  private _options(): uPlot.Options {
    const style = getComputedStyle(this);
    const colour = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
    const line = colour('--chart-line', '#1d4ed8');
    const axis = {
      stroke: colour('--chart-axis', '#374151'),
      grid: { stroke: colour('--chart-grid', '#e5e7eb'), width: 1 },
      ticks: { stroke: colour('--chart-grid', '#e5e7eb'), width: 1 },
      font: '12px system-ui, sans-serif',
    };
    const series: uPlot.Series[] =
      this.kind === 'added'
        ? [{}, { label: 'added', stroke: line, fill: line, paths: uPlot.paths.bars!({ size: [0.7, 40] }), points: { show: false } }]
        : [{}, { label: 'total', stroke: line, width: 2, points: { show: this.days.length < 2 } }];
    if (this.kind === 'total' && this.goal !== null) series.push({ label: 'goal', stroke: colour('--chart-goal', '#b45309'), width: 2, dash: [8, 6], points: { show: false } });
    const top = Math.max(1, ...this.days.map((day) => (this.kind === 'added' ? day.added : day.total)), this.kind === 'total' ? (this.goal ?? 0) : 0);
    return {
      width: this._width(),
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      series,
      scales: {
        // Bars sit inside the range, half a day either side.
        x: { time: true, range: (_plot, min, max) => (this.kind === 'added' ? [min - DAY_SECONDS / 2, max + DAY_SECONDS / 2] : [min, max]) },
        y: { range: () => [0, Math.ceil(top * 1.08)] },
      },
      axes: [
        { ...axis, space: 70, values: (_plot, splits) => splits.map((seconds) => formatDay(new Date(seconds * 1000).toISOString().slice(0, 10), 'short')) },
        { ...axis, size: 56, values: (_plot, splits) => splits.map((value) => (Number.isInteger(value) ? formatNumber(value) : '')) },
      ],
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'count-chart': CountChart;
  }
}
