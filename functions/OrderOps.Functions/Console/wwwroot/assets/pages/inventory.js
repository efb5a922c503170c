// Inventory of one SKU: on hand / allocated / available per location; per channel the quantity to publish with its
// explanation, what the channel was last told, and any push on its way or parked.
import { api, segment } from '../api.js';
import { h, table, when } from '../dom.js';

export async function render({ query, navigate }) {
  const sku = query.get('sku') ?? '';
  const input = h('input', { name: 'sku', value: sku, required: true, placeholder: 'SKU', 'aria-label': 'SKU' });
  const form = h('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); navigate(`/console/inventory?sku=${encodeURIComponent(input.value.trim())}`); } },
    input, h('button', { type: 'submit' }, 'Show'));
  const parts = [h('h1', {}, 'Inventory'), form];
  if (!sku) return h('section', {}, parts, h('p', { class: 'muted' }, 'Enter a SKU.'));
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
        c.pending ? `${c.pending.quantity} due ${when(c.pending.dueAt)}${c.pending.parked ? ' — parked' : ''}${c.pending.attempts ? `, ${c.pending.attempts} attempts` : ''}${c.pending.lastError ? `: ${c.pending.lastError}` : ''}` : '—',
      ])));
  return h('section', { id: 'inventory' }, parts);
}
