// Pipeline: orders by lifecycle state and channel, how long the oldest has waited, how many are stuck (unchanged
// for longer than their state's threshold); a cell opens that state's orders, oldest first; search finds orders by id,
// channel order id, customer e-mail or SKU (newest first).
import { api } from '../api.js';
import { age, h, link, table, when } from '../dom.js';

export async function render({ query, navigate }) {
  const state = query.get('state');
  const channel = query.get('channel');
  const search = h('input', { type: 'search', name: 'q', placeholder: 'Order id, channel order id, customer e-mail or SKU', size: 44, 'aria-label': 'Search orders' });
  const found = h('div', { id: 'search-results' });
  const form = h('form', { class: 'inline', role: 'search', onsubmit: async (e) => {
    e.preventDefault();
    const q = search.value.trim();
    if (!q) return;
    // POST: an e-mail address is personal data and stays out of URLs (and so out of request logs).
    const result = await api('/api/overview/search', { method: 'POST', body: { q } });
    if (result.orderIds.length === 1) { navigate(`/console/orders/${encodeURIComponent(result.orderIds[0])}`); return; }
    found.replaceChildren(result.orderIds.length ? h('ul', {}, result.orderIds.map((id) => h('li', {}, link(`/console/orders/${encodeURIComponent(id)}`, id)))) : h('p', { class: 'muted' }, `No order '${q}'.`));
  } }, search, h('button', { type: 'submit' }, 'Find'));

  const overview = await api('/api/overview/orders');
  const channels = [...new Set(overview.counts.map((c) => c.channel))].sort();
  const states = [...new Set(overview.counts.map((c) => c.state))];
  const cell = (s, ch) => {
    const c = overview.counts.find((x) => x.state === s && x.channel === ch);
    if (!c) return '';
    return h('span', {}, link(`/console/pipeline?state=${encodeURIComponent(s)}&channel=${encodeURIComponent(ch)}`, String(c.count)),
      c.stuck ? h('span', { class: 'stuck', title: `unchanged for more than ${age(overview.stuckAfterSeconds[s])}` }, ` · ${c.stuck} stuck`) : '',
      h('div', { class: 'muted' }, `oldest ${age(c.oldestAgeSeconds)}`));
  };
  const matrix = table(['State', ...channels], states.map((s) => [s, ...channels.map((ch) => cell(s, ch))]));
  matrix.id = 'pipeline-matrix';

  const parts = [h('h1', {}, 'Pipeline'), form, found, matrix, h('p', { class: 'muted' }, `As of ${when(overview.generatedAt)}. Age is the time since the order last changed.`)];
  if (state) {
    const params = new URLSearchParams({ status: state, pageSize: '100' });
    if (channel) params.set('channel', channel);
    const page = await api(`/api/orders?${params}`);
    const threshold = overview.stuckAfterSeconds[state];
    const now = Date.parse(overview.generatedAt);
    parts.push(h('h2', {}, `${state}${channel ? ` on ${channel}` : ''}, oldest first`),
      table(['Order', 'Channel order', { label: 'Age', num: true }, 'Created', ''], page.orders.map((o) => {
        const seconds = (now - Date.parse(o.modifiedAt)) / 1000;
        return [link(`/console/orders/${encodeURIComponent(o.orderId)}`, o.orderId), o.channelOrderId, age(seconds), when(o.createdAt),
          threshold && seconds > threshold ? h('span', { class: 'stuck' }, 'stuck') : ''];
      })));
  }
  return h('section', {}, parts);
}
