import type { SignalPoint } from '../ports.js';

/**
 * A paper's upvote history as a small line chart, drawn on the server. Each point is an
 * observation; the picture has a text alternative for screen readers.
 */
export function Sparkline({ points, width = 160, height = 32 }: { points: SignalPoint[]; width?: number; height?: number }) {
  const upvotes = points.filter((point) => point.kind === 'upvotes');
  if (upvotes.length === 0) return <p class="muted">No upvotes observed yet.</p>;
  const times = upvotes.map((point) => Date.parse(point.observedAt));
  const first = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - first);
  const top = Math.max(1, ...upvotes.map((point) => point.value));
  const xy = upvotes.map((point, index) => [
    upvotes.length === 1 ? width / 2 : ((times[index]! - first) / span) * (width - 4) + 2,
    height - 2 - (point.value / top) * (height - 4),
  ]);
  const last = upvotes[upvotes.length - 1]!;
  const label = `Upvotes over time: ${upvotes.length} observation${upvotes.length === 1 ? '' : 's'} from ${upvotes[0]!.observedAt.slice(0, 10)} to ${last.observedAt.slice(0, 10)}, latest ${last.value}.`;
  return (
    <svg class="sparkline" role="img" aria-label={label} viewBox={`0 0 ${width} ${height}`} width={width} height={height}>
      <title>{label}</title>
      <polyline fill="none" stroke="currentColor" stroke-width="1.5" points={xy.map(([x, y]) => `${x!.toFixed(1)},${y!.toFixed(1)}`).join(' ')} />
      {xy.map(([x, y]) => <circle cx={x!.toFixed(1)} cy={y!.toFixed(1)} r="1.8" fill="currentColor" />)}
    </svg>
  );
}

/** Every month from `first` to `last` (`YYYY-MM`), so empty months show as gaps. */
function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let [year, month] = first.split('-').map(Number) as [number, number];
  while (months.length < 600) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= last) break;
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
  return months;
}

/** Counts per month (`YYYY-MM`) as a bar chart, oldest first, each bar titled with its count. */
export function MonthHistogram({ counts, caption }: { counts: Map<string, number>; caption: string }) {
  const known = [...counts.keys()].sort();
  if (known.length === 0) return null;
  const months = monthsBetween(known[0]!, known[known.length - 1]!);
  const width = 600;
  const height = 80;
  const step = Math.min(48, width / months.length);
  const top = Math.max(...counts.values());
  return (
    <figure class="histogram">
      <svg role="img" aria-label={caption} viewBox={`0 0 ${width} ${height + 14}`}>
        <title>{caption}</title>
        {months.map((month, index) => {
          const count = counts.get(month) ?? 0;
          const barHeight = count === 0 ? 0 : Math.max(1, (count / top) * height);
          return (
            <rect x={(index * step).toFixed(2)} y={(height - barHeight).toFixed(2)} width={Math.max(1, step - 2).toFixed(2)} height={barHeight.toFixed(2)} fill="currentColor">
              <title>{`${month}: ${count}`}</title>
            </rect>
          );
        })}
        <text x="0" y={height + 12} font-size="10" fill="currentColor">{months[0]}</text>
        {months.length > 1 && <text x={(months.length * step).toFixed(2)} y={height + 12} font-size="10" fill="currentColor" text-anchor="end">{months[months.length - 1]}</text>}
      </svg>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}
