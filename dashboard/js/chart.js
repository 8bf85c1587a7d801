// Bar charts as SVG built from data (no library, no inline style: the bars' colours come from style.css).

const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}) {
  const el = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  return el;
}

/**
 * Stacked bars: one bar per bucket, one segment per series.
 * @param {{ label: string, values: number[] }[]} buckets  values in the order of `series`
 * @param {string[]} series  class names of the segments (e.g. ['ok', 'failed'])
 * @param {string} title
 */
export function barChart(buckets, series, title) {
  const width = 640;
  const height = 180;
  const pad = 24;
  const max = Math.max(1, ...buckets.map((b) => b.values.reduce((a, v) => a + v, 0)));
  const root = svg('svg', { viewBox: `0 0 ${width} ${height + pad}`, class: 'chart', role: 'img', 'aria-label': title });
  const t = svg('title');
  t.textContent = title;
  root.append(t);
  const step = (width - pad) / Math.max(1, buckets.length);
  buckets.forEach((bucket, i) => {
    let y = height;
    bucket.values.forEach((value, s) => {
      if (value <= 0) return;
      const barHeight = (value / max) * (height - pad);
      y -= barHeight;
      const rect = svg('rect', {
        x: pad + i * step + 2,
        y,
        width: Math.max(1, step - 4),
        height: barHeight,
        class: `bar bar-${series[s]}`,
      });
      const tip = svg('title');
      tip.textContent = `${bucket.label}: ${value} ${series[s]}`;
      rect.append(tip);
      root.append(rect);
    });
    if (buckets.length <= 14 || i % Math.ceil(buckets.length / 14) === 0) {
      const label = svg('text', { x: pad + i * step + step / 2, y: height + 16, class: 'axis', 'text-anchor': 'middle' });
      label.textContent = bucket.label;
      root.append(label);
    }
  });
  const top = svg('text', { x: 2, y: pad - 8, class: 'axis' });
  top.textContent = String(max);
  root.append(top, svg('line', { x1: pad, y1: height, x2: width, y2: height, class: 'axis-line' }));
  return root;
}

/** Counts items per bucket of `bucketMs` ending now, keyed by `at(item)`; `classify` picks the series index. */
export function bucketize(items, at, classify, seriesCount, bucketCount, bucketMs, labelOf) {
  const now = Date.now();
  const start = now - bucketCount * bucketMs;
  const buckets = Array.from({ length: bucketCount }, (_, i) => ({
    label: labelOf(new Date(start + (i + 1) * bucketMs)),
    values: new Array(seriesCount).fill(0),
  }));
  for (const item of items) {
    const t = new Date(at(item)).getTime();
    if (t < start || t > now) continue;
    const index = Math.min(bucketCount - 1, Math.floor((t - start) / bucketMs));
    buckets[index].values[classify(item)] += 1;
  }
  return buckets;
}
