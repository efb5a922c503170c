// The API key and every call to the key-protected API. The key lives in sessionStorage only (gone when the browser
// session ends); /console#key=... hands it over in the fragment, which browsers never send to the server.
const KEY = 'orderops.key';
const OPERATOR = 'orderops.operator';

export class Unauthorized extends Error {}

export function takeKeyFromFragment() {
  const match = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
    history.replaceState(history.state, '', location.pathname + location.search);
  }
}

export const hasKey = () => !!sessionStorage.getItem(KEY);
export const setKey = (key) => sessionStorage.setItem(KEY, key);
export const forgetKey = () => sessionStorage.removeItem(KEY);
export const operatorName = () => sessionStorage.getItem(OPERATOR) ?? '';
export const setOperatorName = (name) => sessionStorage.setItem(OPERATOR, name);

/** Calls the API with the key; JSON in and out. Throws Unauthorized on 401, Error with the problem's detail otherwise. */
export async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const response = await fetch(path, {
    method,
    headers: { 'x-functions-key': sessionStorage.getItem(KEY) ?? '', ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.status === 401) {
    forgetKey();
    throw new Unauthorized('The key was not accepted.');
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok && response.status !== 503) {
    throw new Error(data?.detail ?? data?.title ?? `HTTP ${response.status}`);
  }
  return data;
}

/** Encodes an id as one path segment, the API's documented id encoding. */
export const segment = (id) => encodeURIComponent(id);
