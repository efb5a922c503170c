// The console's router: each page has its own URL under /console, history.pushState moves between them, and the
// back button works. Pages are modules exporting render(params) that return a DOM node.
import { Unauthorized, forgetKey, hasKey, setKey, takeKeyFromFragment } from './api.js';
import { h } from './dom.js';

const routes = [
  [/^\/console\/?$/, () => import('./pages/pipeline.js'), 'pipeline'],
  [/^\/console\/pipeline\/?$/, () => import('./pages/pipeline.js'), 'pipeline'],
  [/^\/console\/orders\/([^/]+)$/, () => import('./pages/order.js'), 'pipeline', (m) => ({ orderId: decodeURIComponent(m[1]) })],
  [/^\/console\/exceptions\/?$/, () => import('./pages/exceptions.js'), 'exceptions'],
  [/^\/console\/inventory\/?$/, () => import('./pages/inventory.js'), 'inventory'],
  [/^\/console\/channels\/?$/, () => import('./pages/channels.js'), 'channels'],
  [/^\/console\/charts\/?$/, () => import('./pages/charts.js'), 'charts'],
];

const page = document.getElementById('page');

export function navigate(href) {
  history.pushState(null, '', href);
  render();
}

function keyForm() {
  const input = h('input', { type: 'password', name: 'key', autocomplete: 'off', required: true, 'aria-label': 'API key' });
  return h('form', { class: 'inline', id: 'key-form', onsubmit: (e) => { e.preventDefault(); setKey(input.value.trim()); render(); } },
    h('label', {}, 'API key ', input), h('button', { type: 'submit' }, 'Open console'),
    h('p', { class: 'muted' }, 'Kept for this browser session only. A link may carry it as /console#key=…'));
}

async function render() {
  const path = location.pathname;
  const route = routes.find(([pattern]) => pattern.test(path));
  document.querySelectorAll('header nav a').forEach((a) => a.toggleAttribute('aria-current', !!route && a.getAttribute('href').endsWith(route[2])));
  document.getElementById('forget-key').hidden = !hasKey();
  if (!hasKey()) {
    page.replaceChildren(h('h1', {}, 'OrderOps console'), keyForm());
    return;
  }
  if (!route) {
    page.replaceChildren(h('h1', {}, 'Not found'), h('p', {}, 'No console page at this address.'));
    return;
  }
  const [pattern, load, , params] = route;
  const match = pattern.exec(path);
  page.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  try {
    const module = await load();
    const node = await module.render({ ...(params ? params(match) : {}), query: new URLSearchParams(location.search), navigate });
    page.replaceChildren(node);
    document.body.dataset.ready = path;
  } catch (error) {
    if (error instanceof Unauthorized) {
      page.replaceChildren(h('h1', {}, 'OrderOps console'), h('p', { class: 'error' }, error.message), keyForm());
      return;
    }
    page.replaceChildren(h('h1', {}, 'Something failed'), h('p', { class: 'error' }, error.message));
  }
}

document.addEventListener('click', (event) => {
  const anchor = event.target.closest('a[data-link]');
  if (anchor && event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey) {
    event.preventDefault();
    navigate(anchor.getAttribute('href'));
  }
});
document.getElementById('forget-key').addEventListener('click', () => { forgetKey(); render(); });
window.addEventListener('popstate', render);
takeKeyFromFragment();
render();
