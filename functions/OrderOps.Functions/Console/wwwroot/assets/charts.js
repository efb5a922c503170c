// Hand-written SVG charts: a stacked bar chart over hours and a two-series line chart. Two chart shapes do not
// justify a charting library the console would have to vendor (no CDN: it must work offline).
const NS = 'http://www.w3.org/2000/svg';
const COLOURS = ['#2457c5', '#d9822b', '#1e7a3c', '#b3261e', '#7a3cb8'];
const W = 900, H = 260, L = 40, B = 30, T = 10;

function svg(tag, attributes = {}, text) {
  const element = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

function frame(label, max, hours) {
  const root = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label });
  root.append(svg('line', { x1: L, y1: H - B, x2: W, y2: H - B, stroke: '#999' }));
  for (const fraction of max >= 2 ? [0, 0.5, 1] : [0, 1]) {
    const y = H - B - fraction * (H - B - T);
    root.append(svg('text', { x: 2, y: y + 4 }, String(Math.round(max * fraction))));
  }
  hours.forEach((hour, i) => {
    if (i % 3 === 0) root.append(svg('text', { x: L + (i + 0.5) * ((W - L) / hours.length) - 12, y: H - 10 }, `${String(new Date(hour).getUTCHours()).padStart(2, '0')}h`));
  });
  return root;
}

/** series: [{ name, values: number per hour }]; stacked bars per hour. */
export function stackedBars(label, hours, series) {
  const totals = hours.map((_, i) => series.reduce((sum, s) => sum + s.values[i], 0));
  const max = Math.max(1, ...totals);
  const root = frame(label, max, hours);
  const width = (W - L) / hours.length;
  hours.forEach((_, i) => {
    let base = H - B;
    series.forEach((s, k) => {
      const height = (s.values[i] / max) * (H - B - T);
      if (height > 0) {
        const bar = svg('rect', { x: L + i * width + 2, y: base - height, width: Math.max(1, width - 4), height, fill: COLOURS[k % COLOURS.length] });
        bar.append(svg('title', {}, `${s.name}: ${s.values[i]}`));
        root.append(bar);
      }
      base -= height;
    });
  });
  return root;
}

/** series: [{ name, values }]; one polyline each. */
export function lines(label, hours, series) {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const root = frame(label, max, hours);
  const width = (W - L) / hours.length;
  series.forEach((s, k) => {
    const points = s.values.map((v, i) => `${L + (i + 0.5) * width},${H - B - (v / max) * (H - B - T)}`).join(' ');
    root.append(svg('polyline', { points, fill: 'none', stroke: COLOURS[k % COLOURS.length], 'stroke-width': 2, 'data-series': s.name }));
  });
  return root;
}

export function legend(names) {
  const element = document.createElement('p');
  element.className = 'legend';
  names.forEach((name, k) => {
    const item = document.createElement('span');
    const swatch = document.createElement('i');
    swatch.style.background = COLOURS[k % COLOURS.length];
    item.append(swatch, name);
    element.append(item);
  });
  return element;
}
