// One order: what it is, where its lifecycle stands (allocation, shipments, timers, open exceptions) and its history.
import { api, segment } from '../api.js';
import { h, link, table, when } from '../dom.js';

export async function render({ orderId }) {
  const o = await api(`/api/orders/${segment(orderId)}`);
  const l = o.lifecycle;
  return h('section', { id: 'order' },
    h('h1', {}, `Order ${o.order.orderId}`),
    table(['Channel', 'Account', 'Channel order', 'State', 'Placed', 'Created', 'Last change'],
      [[o.order.channel, o.order.channelAccount, o.order.channelOrderId, h('strong', { id: 'order-state' }, l.state), when(o.order.placedAt), when(o.createdAt), when(o.modifiedAt)]]),
    h('h2', {}, 'Lines'),
    table(['Line', 'SKU', { label: 'Quantity', num: true }], (o.order.lineItems ?? []).map((x) => [x.lineId, x.sku ?? '—', x.quantity])),
    h('h2', {}, 'Allocation'),
    table(['Line', 'SKU', 'Location', { label: 'Quantity', num: true }], l.allocation.map((a) => [a.lineId, a.sku, a.locationId, a.quantity])),
    h('h2', {}, 'Shipments'),
    table(['Shipment', 'Location', 'Carrier', 'Tracking', 'At', 'Channel told'], l.shipments.map((s) => [s.shipmentId, s.locationId, s.carrier ?? '—', s.trackingNumber ?? '—', when(s.at), s.channelNotified ? 'yes' : 'not yet'])),
    h('h2', {}, 'Timers'),
    table(['Timer', 'Due', 'Location'], l.pendingTimers.map((t) => [t.kind, when(t.dueAt), t.locationId ?? ''])),
    h('h2', {}, 'Open exceptions'),
    table(['Raised', 'Kind', 'Description', 'Recommended'], l.openExceptions.map((e) => [when(e.raisedAt), e.kind, e.description, e.recommendedAction])),
    l.openExceptions.length ? link(`/console/exceptions?channel=${encodeURIComponent(o.order.channel)}`, 'Resolve in the exception queue') : '',
    h('h2', {}, 'History'),
    h('div', { id: 'history' }, table(['#', 'At', 'Event', 'By', 'Why', 'Details'], o.events.map((e) => [e.sequence, when(e.at), e.type, e.actor, e.cause ?? '', e.data ? h('pre', {}, JSON.stringify(e.data)) : '']))));
}
