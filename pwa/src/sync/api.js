/**
 * HTTP to the Flask server: bearer token, JSON, and errors sorted into the two kinds sync cares about:
 * ApiError (the server answered and refused: show its message) and OfflineError (no answer: try later).
 */

let token = null;
let onUnauthorized = () => {};

export function setToken(t) {
  token = t;
}

export function getToken() {
  return token;
}

export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export class OfflineError extends Error {}

/** fetch with the token; `json` is sent as the body. Returns the Response (callers read it). */
export async function request(path, { method = 'GET', json, body, headers = {}, signal } = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (json !== undefined) {
    h['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  let res;
  try {
    res = await fetch(path, { method, headers: h, body, signal, cache: 'no-store' });
  } catch (e) {
    if (e?.name === 'AbortError') throw e;
    throw new OfflineError(String(e?.message ?? e));
  }
  if (res.status === 401 && token) onUnauthorized();
  if (!res.ok) {
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (res.status >= 500 || res.status === 429 || res.status === 408) {
      throw new OfflineError(data?.message ?? `HTTP ${res.status}`);
    }
    throw new ApiError(res.status, data?.message ?? `HTTP ${res.status}`, data);
  }
  return res;
}

export async function getJson(path, opts) {
  return (await request(path, opts)).json();
}

export async function sendJson(method, path, json, opts = {}) {
  const res = await request(path, { ...opts, method, json });
  return res.status === 204 ? null : res.json();
}
