// Inventory of one SKU: on hand / allocated / available per location; per channel the quantity to publish with its
// explanation, what the channel was last told, and any push on its way or parked. Below, every SKU whose channel shows
// another quantity than the ledger says it should (the drift list).
import { api, segment } from '../api.js';
import { age, h, link, table, when } from '../dom.js';

const pendingText = (p) => (p ? `${p.quantity} due ${when(p.dueAt)}${p.parked ? ' — parked' : ''}${p.attempts ? `, ${p.attempts} attempts` : ''}${p.lastError ? `: ${p.lastError}` : ''}` : '—');

async function driftSection() {
  const drift = await api('/api/overview/inventory-drift');
  const now = Date.now();
  return h('section', { id: 'drift' }, h('h2', {}, 'Drifting from the ledger'),
    drift.channels.map((c) => h('div', {},
      h('h3', {}, `${c.channel}: ${c.drifting} SKU${c.drifting === 1 ? '' : 's'}${c.drifting > c.skus.length ? ` (first ${c.skus.length})` : ''}`),
      c.skus.length ? table(['SKU', { label: 'Channel shows', num: true }, { label: 'Ledger says', num: true }, 'Why', 'Drifting for', 'Pending'],
        c.skus.map((d) => [
          link(`/console/inventory?sku=${encodeURIComponent(d.sku)}`, d.sku),
          d.publishedQuantity,
          d.ledgerQuantity,
          h('code', { class: 'explanation' }, `${d.ledgerQuantity} = ${d.computation}`),
          d.driftingSince ? age((now - Date.parse(d.driftingSince)) / 1000) : 'unknown',
          pendingText(d.pending),
        ])) : h('p', { class: 'muted' }, 'In step with the ledger.'))));
}

export async function render({ query, navigate }) {
  const sku = query.get('sku') ?? '';
  const input = h('input', { name: 'sku', value: sku, required: true, placeholder: 'SKU', 'aria-label': 'SKU' });
  const form = h('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); navigate(`/console/inventory?sku=${encodeURIComponent(input.value.trim())}`); } },
    input, h('button', { type: 'submit' }, 'Show'));
  const parts = [h('h1', {}, 'Inventory'), form];
  if (!sku) return h('section', { id: 'inventory' }, parts, h('p', { class: 'muted' }, 'Enter a SKU.'), await driftSection());
  let view;
  try {
    view = await api(`/api/inventory/${segment(sku)}`);
  } catch (error) {
    return h('section', {}, parts, h('p', { class: 'error' }, error.message));
  }
  parts.push(
    h('h2', {}, `Locations of ${view.sku}`),
    table(['Location', { label: 'On hand', num: true }, { label: 'Allocated', num: true }, { label: 'Available', num: true }],
      view.locations.map((l) => [l.location, l.onHand, l.allocated, l.available])),
    h('h2', {}, 'Channels'),
    table(['Channel', { label: 'To publish', num: true }, 'Why', { label: 'Last published', num: true }, 'Published at', 'Pending'],
      view.channels.map((c) => [
        c.enabled ? c.channel : `${c.channel} (off)`,
        c.availableToSell,
        h('code', { class: 'explanation' }, `${c.availableToSell} = ${c.computation}`),
        c.publishedQuantity ?? '—',
        when(c.publishedAt),
        pendingText(c.pending),
      ])));
  return h('section', { id: 'inventory' }, parts, await driftSection());
}
