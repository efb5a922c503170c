// Charts over the last 24 hours: orders received per hour by channel, exceptions opened vs resolved, and the time
// from received to released and to shipped (p50/p95) over a sample of recent orders.
import { api, segment } from '../api.js';
import { bucket, lastHours, legend, lines, stackedBars } from '../charts.js';
import { age, h, table } from '../dom.js';

const MAX_PAGES = 25;
const SAMPLE = 40;

async function recentOrders(since) {
  const orders = [];
  let continuation = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const params = new URLSearchParams({ updatedSince: new Date(since).toISOString(), pageSize: '200' });
    if (continuation) params.set('continuation', continuation);
    const result = await api(`/api/orders?${params}`);
    orders.push(...result.orders);
    continuation = result.continuation;
    if (!continuation) break;
  }
  return { orders, complete: !continuation };
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function durations(orders) {
  const candidates = orders.filter((o) => ['released', 'partially_shipped', 'shipped', 'delivered', 'completed'].includes(o.status))
    .sort((a, b) => Date.parse(b.modifiedAt) - Date.parse(a.modifiedAt)).slice(0, SAMPLE);
  const released = [], shipped = [];
  for (const summary of candidates) {
    const order = await api(`/api/orders/${segment(summary.orderId)}`);
    const start = Date.parse(order.createdAt);
    const first = (states) => order.events.find((e) => e.type === 'lifecycle.transition' && states.includes(e.data?.to));
    const r = first(['released']);
    const s = first(['partially_shipped', 'shipped']);
    if (r) released.push((Date.parse(r.at) - start) / 1000);
    if (s) shipped.push((Date.parse(s.at) - start) / 1000);
  }
  const row = (name, values) => {
    values.sort((a, b) => a - b);
    return [name, values.length, age(percentile(values, 50)), age(percentile(values, 95))];
  };
  return { sample: candidates.length, rows: [row('received → released', released), row('received → shipped', shipped)] };
}

export async function render() {
  const now = Date.now();
  const hours = lastHours(now);
  const [{ orders, complete }, { exceptions }] = await Promise.all([recentOrders(hours[0]), api('/api/exceptions?status=all&limit=1000')]);

  const channels = [...new Set(orders.map((o) => o.channel))].sort();
  const received = channels.map((name) => {
    const values = hours.map(() => 0);
    for (const o of orders.filter((x) => x.channel === name)) {
      const i = bucket(hours, o.createdAt);
      if (i >= 0) values[i]++;
    }
    return { name, values };
  });
  const opened = hours.map(() => 0), resolved = hours.map(() => 0);
  for (const e of exceptions) {
    const i = bucket(hours, e.raisedAt);
    if (i >= 0) opened[i]++;
    if (e.resolvedAt) {
      const j = bucket(hours, e.resolvedAt);
      if (j >= 0) resolved[j]++;
    }
  }
  const timing = await durations(orders);

  return h('section', { id: 'charts' },
    h('h1', {}, 'Charts (last 24 hours, UTC)'),
    h('h2', {}, 'Orders received per hour by channel'),
    stackedBars('Orders received per hour by channel', hours, received),
    legend(channels),
    complete ? '' : h('p', { class: 'muted' }, `Only the first ${orders.length} orders changed in the last 24 hours are counted.`),
    h('h2', {}, 'Exceptions opened vs resolved per hour'),
    lines('Exceptions opened vs resolved per hour', hours, [{ name: 'opened', values: opened }, { name: 'resolved', values: resolved }]),
    legend(['opened', 'resolved']),
    h('h2', {}, 'Time to release and to ship'),
    table(['From received', { label: 'Orders', num: true }, 'p50', 'p95'], timing.rows),
    h('p', { class: 'muted' }, `Over the ${timing.sample} most recently changed orders that were released.`));
}
