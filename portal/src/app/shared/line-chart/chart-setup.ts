import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Filler,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { formatBitRate, formatBytes, formatCount } from '../format/format-units';

// Register only what the portal draws, so the rest of chart.js is tree-shaken away.
Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  CategoryScale,
  Filler,
  Tooltip,
  Legend,
  DoughnutController,
  ArcElement,
  BarController,
  BarElement,
);
Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font-sans') || 'system-ui, sans-serif';
// Chart text follows the page's type scale (larger on wall displays, see styles.css).
Chart.defaults.font.size = Math.round(0.8 * (parseFloat(getComputedStyle(document.documentElement).fontSize) || 15));
// Muted text and faint grid lines that read on the light and the dark theme alike.
Chart.defaults.color = '#7d8899';
Chart.defaults.borderColor = 'rgba(125, 136, 153, 0.2)';

export { Chart };

export { CHART_COLORS, DIRECTION_COLORS } from './chart-colors';

/** How values on an axis or in a tooltip are written. */
export type ValueFormat = 'bitRate' | 'bytes' | 'count';

export function formatValue(format: ValueFormat, value: number): string {
  switch (format) {
    case 'bitRate':
      return formatBitRate(value);
    case 'bytes':
      return formatBytes(value);
    case 'count':
      return formatCount(value);
  }
}

/** Minimum time between two redraws of one chart, ms: live data at 4 Hz at most. */
export const CHART_MIN_REDRAW_MS = 250;
