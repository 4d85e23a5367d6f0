// Charts drawn as inline SVG: no library, no inline styles (the CSP allows none), colours from CSS classes.
// viewBox sizes: the SVG scales to its card, so these set the aspect ratio and the text size with it.
const W = 640;
const H = 220;
const WIDE_W = 1000;
const WIDE_H = 200;
const PAD = { top: 10, right: 8, bottom: 24, left: 56 };
const SERIES_COLOURS = 8;

export interface Series {
  name: string;
  values: number[];
}

/** A round upper bound for an axis: 0.037 → 0.04, 730 → 800. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

function YAxis({
  max,
  format,
  w = W,
  h = H,
}: {
  max: number;
  format: (n: number) => string;
  w?: number;
  h?: number;
}) {
  const plotH = h - PAD.top - PAD.bottom;
  return (
    <g className="axis">
      {[0, 0.5, 1].map((f) => {
        const y = PAD.top + plotH * (1 - f);
        return (
          <g key={f}>
            <line className="grid" x1={PAD.left} x2={w - PAD.right} y1={y} y2={y} />
            <text x={PAD.left - 6} y={y + 4} textAnchor="end">
              {format(max * f)}
            </text>
          </g>
        );
      })}
    </g>
  );
}

export function Legend({ names }: { names: string[] }) {
  return (
    <ul className="legend">
      {names.map((n, i) => (
        <li key={n}>
          <svg width="10" height="10" aria-hidden="true">
            <rect className={`series-${i % SERIES_COLOURS}`} width="10" height="10" rx="2" />
          </svg>
          {n}
        </li>
      ))}
    </ul>
  );
}

/** Stacked bars, one per category (day), one colour per series (app or model). */
export function StackedBars({
  categories,
  series,
  format,
  labelFor = (c) => c,
  title,
}: {
  categories: string[];
  series: Series[];
  format: (n: number) => string;
  labelFor?: (category: string) => string;
  title: string;
}) {
  const totals = categories.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, categories.length);
  const barW = Math.max(2, slot * 0.7);
  const labelEvery = Math.ceil(categories.length / 8);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
        <YAxis max={max} format={format} />
        {categories.map((c, i) => {
          let y = PAD.top + plotH;
          const x = PAD.left + i * slot + (slot - barW) / 2;
          return (
            <g key={c}>
              {series.map((s, si) => {
                const v = s.values[i] ?? 0;
                if (v <= 0) return null;
                const h = (v / max) * plotH;
                y -= h;
                return (
                  <rect
                    key={s.name}
                    className={`series-${si % SERIES_COLOURS}`}
                    x={x}
                    y={y}
                    width={barW}
                    height={h}
                  >
                    <title>{`${labelFor(c)} · ${s.name}: ${format(v)}`}</title>
                  </rect>
                );
              })}
              {i % labelEvery === 0 && (
                <text className="axis" x={x + barW / 2} y={H - 6} textAnchor="middle">
                  {labelFor(c)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <Legend names={series.map((s) => s.name)} />
    </figure>
  );
}

/** A filled line over evenly spaced points (requests per minute over the last hour). */
export function AreaLine({
  values,
  labels,
  title,
  format,
}: {
  values: number[];
  labels: (i: number) => string | null;
  title: string;
  format: (n: number) => string;
}) {
  const max = niceMax(Math.max(0, ...values));
  const plotW = WIDE_W - PAD.left - PAD.right;
  const plotH = WIDE_H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, values.length - 1);
  const pts = values.map((v, i) => [PAD.left + i * step, PAD.top + plotH * (1 - v / max)] as const);
  const line = pts.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const base = PAD.top + plotH;
  const area = pts.length ? `${line} L${pts.at(-1)![0].toFixed(1)},${base} L${PAD.left},${base} Z` : '';
  return (
    <figure className="chart chart-wide">
      <svg viewBox={`0 0 ${WIDE_W} ${WIDE_H}`} role="img" aria-label={title}>
        <YAxis max={max} format={format} w={WIDE_W} h={WIDE_H} />
        <path className="area" d={area} />
        <path className="line" d={line} />
        {pts.map(([x, y], i) => (
          <g key={i}>
            {values[i]! > 0 && (
              <circle className="dot" cx={x} cy={y} r="2.5">
                <title>{`${labels(i) ?? ''} ${format(values[i]!)}`}</title>
              </circle>
            )}
            {labels(i) !== null && i % 15 === 0 && (
              <text className="axis" x={x} y={WIDE_H - 6} textAnchor="middle">
                {labels(i)}
              </text>
            )}
          </g>
        ))}
      </svg>
    </figure>
  );
}
