// Channels: one row per channel account (last success, last failure, what it is owed, rate-limit state), readiness as
// /api/health reports it (pushes waiting or parked, Amazon poll lag, queues) and the event subscribers.
import { api } from '../api.js';
import { age, h, table, when } from '../dom.js';

function rateLimit(a) {
  const parts = [];
  // A parked push's wake-up is the failure's retry time too: say it once.
  if (a.retryAt && a.retryAt !== a.parkedUntil) parts.push(`${a.retryAfterHonoured ? "channel's Retry-After" : 'backing off'} until ${when(a.retryAt)}`);
  if (a.parkedUntil) parts.push(`parked until ${when(a.parkedUntil)}`);
  if (a.pacing) parts.push(a.pacing);
  return parts.join('; ') || '—';
}

function owed(a) {
  if (a.kind === 'order poll') return a.polledUpTo ? `orders polled up to ${when(a.polledUpTo)}` : 'never polled';
  if (a.pendingPushes === undefined || a.pendingPushes === null) return '—';
  return `${a.pendingPushes} owed${a.pendingPushes ? ` (oldest ${age(a.oldestPushWaitSeconds)})` : ''}, ${a.parkedPushes} parked`;
}

function accountsTable(view) {
  const rows = view.accounts.map((a) => [
    a.channel, a.account, a.kind,
    when(a.lastSuccessAt),
    a.lastFailureAt ? `${when(a.lastFailureAt)}: ${a.lastFailure}` : '—',
    owed(a),
    rateLimit(a),
  ]);
  const accounts = table(['Channel', 'Account', 'What', 'Last success', 'Last failure', 'Owed', 'Rate limit'], rows);
  accounts.id = 'channel-accounts';
  return accounts;
}

export async function render() {
  const [health, subscribers, accounts] = await Promise.all([api('/api/health'), api('/api/events/subscribers'), api('/api/overview/channels')]);
  const channels = health.checks.channels;
  const queues = health.checks.queues;
  const perChannel = Object.entries(channels.data ?? {}).filter(([name]) => name !== 'amazonPolls');
  return h('section', { id: 'channels' },
    h('h1', {}, 'Channels ', h('span', { class: `badge ${health.status}` }, health.status)),
    h('p', {}, channels.description),
    h('h2', {}, 'Accounts'),
    accountsTable(accounts),
    h('h2', {}, 'Inventory pushes'),
    table(['Channel', { label: 'Waiting', num: true }, { label: 'Parked', num: true }, 'Oldest waits', 'Last error'],
      perChannel.map(([name, c]) => [name, c.pendingPushes, c.parkedPushes, age(c.oldestPushWaitSeconds), c.lastError ?? '—'])),
    h('h2', {}, 'Amazon polls'),
    table(['Seller', 'Marketplace', 'Polled up to', 'Behind'], (channels.data?.amazonPolls ?? []).map((p) => [p.sellerId, p.marketplaceId, when(p.lastPolledUpTo), p.lagSeconds === null ? 'never polled' : age(p.lagSeconds)])),
    h('h2', {}, 'Queues ', h('span', { class: `badge ${queues.status}` }, queues.status)),
    table(['Queue', { label: 'Waiting', num: true }, 'Oldest waits', 'Dead letters'],
      Object.entries(queues.data ?? {}).map(([name, q]) => [name, q.count, age(q.oldestAgeSeconds), q.deadLetters ? 'yes' : 'no'])),
    h('h2', {}, 'Event subscribers'),
    table(['Subscriber', 'State', { label: 'Parked', num: true }], subscribers.subscribers.map((s) => [s.name, s.disabled ? `disabled since ${when(s.since)}: ${s.reason}` : 'delivering', s.parked])),
    h('p', { class: 'muted' }, `Checked ${when(health.checkedAt)} in ${health.durationMs} ms.`));
}
