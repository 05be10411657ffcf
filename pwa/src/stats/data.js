/**
 * The manager's numbers: fetched from the server, kept in IndexedDB (meta store) so the dashboard and
 * the delivery screen open offline from the last fetch, marked with its time.
 */
import { errorText } from '../i18n/errors.js';
import { getLang } from '../i18n/index.js';
import { ApiError, getJson, request } from '../sync/api.js';
import { getMeta, setMeta } from '../store/db.js';

const FILTER_KEYS = ['building_id', 'inspection_id', 'contractor_id', 'type_id', 'category', 'date_from', 'date_to', 'owner_raised'];

/** Only the filters the stats endpoint knows, without empty values, in a fixed order. */
export function statsQuery(filters = {}) {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) if (filters[k] !== undefined && filters[k] !== '') q.set(k, filters[k]);
  return q.toString();
}

/** {data, fetchedAt, offline, error}: fresh when the server answers, else the last stored copy. */
export async function cachedJson(path, now = () => new Date()) {
  const key = `cache:${path}`;
  try {
    const data = await getJson(path);
    const fetchedAt = now().toISOString();
    await setMeta(key, { data, fetchedAt });
    return { data, fetchedAt, offline: false, error: null };
  } catch (e) {
    const stored = await getMeta(key);
    const error = describe(e);
    if (e instanceof ApiError) return { data: null, fetchedAt: null, offline: false, error };
    return stored ? { ...stored, offline: true, error } : { data: null, fetchedAt: null, offline: true, error };
  }
}

export function describe(e) {
  const code = e?.body?.code;
  return (code && errorText(code, getLang())) || e?.body?.message || e?.message || String(e);
}

/** Download a file the API makes (XLSX/PDF) with the login token, under its own name. */
export async function download(path, fallbackName) {
  const res = await request(path);
  const disposition = res.headers.get('Content-Disposition') || '';
  const m = /filename\*=UTF-8''([^;]+)/.exec(disposition);
  const name = m ? decodeURIComponent(m[1]) : fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A ratio as a percentage, or a dash when unknown. */
export function pct(v) {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`;
}

/** Whether a headline number meets its target: rates at least the target, satisfaction likewise. */
export function meets(key, value, targets) {
  const target = targets?.[key];
  if (target === undefined || value === null || value === undefined) return null;
  return value >= target;
}
