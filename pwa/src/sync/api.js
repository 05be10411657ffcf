/**
 * HTTP to the Flask server: bearer token, JSON, and errors sorted into the two kinds sync cares about:
 * ApiError (the server answered and refused) and OfflineError (no answer, or the server is busy: try
 * later). Every server error is application/problem+json with a stable `code`; the message users see is
 * the app's wording of that code (i18n/errors.js), in the chosen language, never the server's raw text.
 */
import { getLang } from '../i18n/index.js';
import { describeError } from '../i18n/errors.js';

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
    this.code = typeof body?.code === 'string' ? body.code : null;
    this.detail = body?.detail ?? body?.message ?? null;
    this.params = body?.params ?? {};
    this.fieldErrors = body?.errors ?? null;
  }
}

export class OfflineError extends Error {
  constructor(message, code = null) {
    super(message);
    this.code = code;
  }
}

/** The problem body of a refusal: its code and the server's detail (older servers sent `message`). */
export function problemOf(status, data) {
  const code = data?.code && typeof data.code === 'string' ? data.code : null;
  return { code, detail: data?.detail ?? data?.message ?? `HTTP ${status}` };
}

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
    const { code, detail } = problemOf(res.status, data);
    const words = describeError({ code, message: detail }, getLang());
    if (res.status >= 500 || res.status === 429 || res.status === 408) {
      throw new OfflineError(words, code);
    }
    throw new ApiError(res.status, words, data);
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
