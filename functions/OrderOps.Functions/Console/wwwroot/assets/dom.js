// Tiny DOM helpers: every value goes in as text (textContent), never as HTML.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export const link = (href, text) => h('a', { href, 'data-link': true }, text);

export function table(headers, rows) {
  return h('table', {},
    h('thead', {}, h('tr', {}, headers.map((c) => h('th', { class: c.num ? 'num' : undefined }, c.label ?? c)))),
    h('tbody', {}, rows.length ? rows.map((r) => h('tr', {}, r.map((cell, i) => h('td', { class: headers[i]?.num ? 'num' : undefined }, cell)))) : h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, 'Nothing.'))));
}

/** "3 h 12 min" from seconds. */
export function age(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

export const when = (iso) => (iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—');
