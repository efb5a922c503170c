// Charts over the last 24 UTC hours, drawn from the app's own metrics (GET /api/telemetry/charts: the instruments
// OpenTelemetry exports, totalled per hour in the app): orders received per hour by channel, exceptions opened vs
// resolved, and the time from received to released and to shipped (p50/p95, read from the histograms' buckets).
import { api } from '../api.js';
import { legend, lines, stackedBars } from '../charts.js';
import { age, h, table } from '../dom.js';

const duration = (name, d) => [
  name,
  d.count,
  age(d.p50Seconds),
  d.p95Seconds === null || d.p95Seconds === undefined ? age(null) : `${d.atLeast ? '≥ ' : ''}${age(d.p95Seconds)}`,
];

export async function render() {
  const view = await api('/api/telemetry/charts');
  const hours = view.hours.map((hour) => Date.parse(hour));
  const received = view.received.map((s) => ({ name: s.channel, values: s.values }));
  return h('section', { id: 'charts', 'data-source': 'metrics' },
    h('h1', {}, 'Charts (last 24 hours, UTC)'),
    h('h2', {}, 'Orders received per hour by channel'),
    stackedBars('Orders received per hour by channel', hours, received),
    legend(received.map((s) => s.name)),
    h('h2', {}, 'Exceptions opened vs resolved per hour'),
    lines('Exceptions opened vs resolved per hour', hours, [
      { name: 'opened', values: view.exceptionsOpened },
      { name: 'resolved', values: view.exceptionsResolved },
    ]),
    legend(['opened', 'resolved']),
    h('h2', {}, 'Time to release and to ship'),
    h('div', { id: 'timing' }, table(['From received', { label: 'Orders', num: true }, 'p50', 'p95'], [
      duration('received → released', view.timeToRelease),
      duration('received → shipped', view.timeToShip),
    ])),
    h('p', { class: 'muted' },
      'From the metrics this instance of the app recorded (the ones exported to OpenTelemetry); percentiles are read from histogram buckets, so they are good to the bucket.'));
}
