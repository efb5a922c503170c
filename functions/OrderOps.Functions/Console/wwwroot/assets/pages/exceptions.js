// The exception queue, newest first: filter by channel (server) and kind (here), resolve one or many with the
// operator's name recorded (X-OrderOps-Operator).
import { api, operatorName, segment, setOperatorName } from '../api.js';
import { h, link, when } from '../dom.js';

export async function render({ query, navigate }) {
  const channel = query.get('channel') ?? '';
  const kind = query.get('kind') ?? '';
  const params = new URLSearchParams({ status: 'open', limit: '500' });
  if (channel) params.set('channel', channel);
  const { exceptions: all } = await api(`/api/exceptions?${params}`);
  const shown = all.filter((e) => !kind || e.kind === kind);
  const kinds = [...new Set(all.map((e) => e.kind))].sort();

  const filter = (name, value, options) => h('select', { name, 'aria-label': name, onchange: (e) => {
    const next = new URLSearchParams(location.search);
    if (e.target.value) next.set(name, e.target.value); else next.delete(name);
    navigate(`/console/exceptions${next.size ? `?${next}` : ''}`);
  } }, h('option', { value: '' }, `every ${name}`), options.map((o) => h('option', { value: o, selected: o === value }, o)));

  const operator = h('input', { name: 'operator', required: true, value: operatorName(), placeholder: 'Your name', 'aria-label': 'Operator name', maxlength: 100 });
  const status = h('p', { id: 'resolve-status', role: 'status' });

  async function resolve(items, resolution, reason) {
    if (!operator.value.trim()) { status.textContent = 'Give your name first: it is recorded with every resolution.'; operator.focus(); return; }
    setOperatorName(operator.value.trim());
    const outcomes = [];
    for (const e of items) {
      try {
        const r = await api(`/api/exceptions/${segment(e.exceptionId)}/resolve`, { method: 'POST', body: { resolution, reason: reason || undefined }, headers: { 'X-OrderOps-Operator': operator.value.trim() } });
        outcomes.push(`${e.orderId}: ${r.state}${r.applied ? '' : ` (${r.note ?? 'not applied'})`}`);
      } catch (error) {
        outcomes.push(`${e.orderId}: ${error.message}`);
      }
    }
    status.textContent = `Resolved ${items.length} with ${resolution}. ${outcomes.join('; ')}`;
    const rerendered = await render({ query: new URLSearchParams(location.search), navigate });
    rerendered.querySelector('#resolve-status').textContent = status.textContent;
    document.getElementById('exceptions').replaceWith(rerendered);
  }

  const rows = shown.map((e) => {
    const choice = h('select', { 'aria-label': `Resolution for ${e.orderId}` }, e.options.map((o) => h('option', { value: o, selected: o === e.recommendedAction }, o)));
    const reason = h('input', { placeholder: 'Reason', 'aria-label': `Reason for ${e.orderId}` });
    return h('tr', { dataset: { exceptionId: e.exceptionId } },
      h('td', {}, h('input', { type: 'checkbox', name: 'selected', value: e.exceptionId, 'aria-label': `Select ${e.orderId}` })),
      h('td', {}, when(e.raisedAt)),
      h('td', {}, link(`/console/orders/${encodeURIComponent(e.orderId)}`, e.orderId)),
      h('td', {}, e.channel), h('td', {}, e.kind),
      h('td', {}, e.description, e.context ? h('details', {}, h('summary', {}, 'context'), h('pre', {}, JSON.stringify(e.context, null, 1))) : ''),
      h('td', {}, `recommended: ${e.recommendedAction}`),
      h('td', {}, choice, reason, h('button', { type: 'button', onclick: () => resolve([e], choice.value, reason.value) }, 'Resolve')));
  });

  const bulkChoice = h('select', { 'aria-label': 'Bulk resolution' }, ['retry', 'cancel', 'override'].map((o) => h('option', { value: o }, o)));
  const bulkReason = h('input', { placeholder: 'Reason', 'aria-label': 'Bulk reason' });
  const bulk = h('button', { type: 'button', id: 'resolve-selected', onclick: () => {
    const ids = [...document.querySelectorAll('input[name=selected]:checked')].map((c) => c.value);
    resolve(shown.filter((e) => ids.includes(e.exceptionId)), bulkChoice.value, bulkReason.value);
  } }, 'Resolve selected');

  return h('section', { id: 'exceptions' },
    h('h1', {}, `Exceptions (${shown.length} open)`),
    h('div', { class: 'inline' }, filter('channel', channel, ['shopify', 'amazon', 'edi']), ' ', filter('kind', kind, kinds)),
    h('p', { class: 'inline' }, h('label', {}, 'Operator ', operator), ' ', bulkChoice, bulkReason, bulk),
    status,
    h('table', {}, h('thead', {}, h('tr', {}, ['', 'Raised', 'Order', 'Channel', 'Kind', 'What happened', 'Advice', 'Resolve'].map((c) => h('th', {}, c)))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No open exception.')))));
}
