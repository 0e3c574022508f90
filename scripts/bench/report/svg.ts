/**
 * BENCHMARKS.svg: throughput (MB/s, log scale) against object size (log scale) at concurrency
 * 1, one panel for gets and one for puts, a line per system. Hand-written SVG, no dependencies.
 * @module
 */
import { sizeLabel } from '../config.js';
import type { Results } from '../results.js';
import { sizes } from './lookup.js';

const COLORS: Record<string, string> = {
  proxymesh: '#d62728',
  tcp: '#7f7f7f',
  'grpc-unary': '#9467bd',
  'grpc-stream': '#1f77b4',
  redis: '#2ca02c',
};
const W = 460;
const H = 320;
const M = { left: 60, right: 12, top: 30, bottom: 46 };

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function panel(r: Results, op: 'get' | 'put', x0: number, yRange: [number, number]): string {
  const xs = sizes(r);
  const [lo, hi] = yRange;
  const px = (size: number): number => x0 + M.left + ((Math.log2(size) - Math.log2(xs[0] ?? 1)) / Math.max(1e-9, Math.log2(xs.at(-1) ?? 2) - Math.log2(xs[0] ?? 1))) * (W - M.left - M.right);
  const py = (mbps: number): number => M.top + (1 - (Math.log10(mbps) - lo) / (hi - lo)) * (H - M.top - M.bottom);
  const out: string[] = [`<text x="${x0 + W / 2}" y="18" text-anchor="middle" font-weight="bold">${op} (concurrency 1)</text>`];
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) {
    const y = py(10 ** e);
    out.push(`<line x1="${x0 + M.left}" x2="${x0 + W - M.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`, `<text x="${x0 + M.left - 6}" y="${y + 4}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(Math.abs(e))}</text>`);
  }
  for (const s of xs) {
    out.push(`<text x="${px(s)}" y="${H - M.bottom + 16}" text-anchor="middle">${esc(sizeLabel(s))}</text>`);
  }
  out.push(`<text x="${x0 + W / 2}" y="${H - 8}" text-anchor="middle">object size</text>`);
  out.push(`<text transform="translate(${x0 + 14},${H / 2}) rotate(-90)" text-anchor="middle">MB/s</text>`);
  for (const system of Object.keys(COLORS)) {
    const points = r.transfers
      .filter((t) => t.system === system && t.op === op && t.concurrency === 1 && t.throughput.median > 0)
      .sort((a, b) => a.size - b.size)
      .map((t) => [px(t.size), py(t.throughput.median / 1e6)] as const);
    if (points.length === 0) continue;
    const width = system === 'proxymesh' ? 3 : 1.5;
    out.push(`<polyline fill="none" stroke="${COLORS[system]}" stroke-width="${width}" points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of points) out.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${COLORS[system]}"/>`);
  }
  return out.join('\n');
}

export function svgChart(r: Results): string {
  const values = r.transfers.filter((t) => t.concurrency === 1 && t.throughput.median > 0).map((t) => Math.log10(t.throughput.median / 1e6));
  const range: [number, number] = [Math.floor(Math.min(...values)), Math.ceil(Math.max(...values))];
  const legend = Object.entries(COLORS)
    .map(([name, color], i) => `<rect x="${20 + i * 150}" y="${H + 6}" width="14" height="4" fill="${color}"/><text x="${40 + i * 150}" y="${H + 12}">${name}</text>`)
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 24}" font-family="sans-serif" font-size="11">
<rect width="100%" height="100%" fill="white"/>
${panel(r, 'get', 0, range)}
${panel(r, 'put', W, range)}
${legend}
</svg>
`;
}
