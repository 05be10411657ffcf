/** Hash routes, so the service worker only ever serves one page (index.html). */
import { useEffect, useState } from 'preact/hooks';

const ROUTES = [
  ['login', /^\/login$/],
  ['projects', /^\/?$/],
  ['buildings', /^\/p\/(\d+)$/],
  ['floors', /^\/p\/(\d+)\/b\/(\d+)$/],
  ['duplicates', /^\/p\/(\d+)\/duplicates$/],
  ['calendar', /^\/p\/(\d+)\/calendar$/],
  ['unit', /^\/u\/(\d+)$/],
  ['new', /^\/u\/(\d+)\/new$/],
  ['checklist', /^\/u\/(\d+)\/checklist$/],
  ['defect', /^\/d\/([0-9a-f-]{36})$/],
  ['edit', /^\/d\/([0-9a-f-]{36})\/edit$/],
  ['annotate', /^\/d\/([0-9a-f-]{36})\/photo\/([0-9a-f]{64})$/],
  ['sync', /^\/sync$/],
  ['inbox', /^\/inbox$/],
  ['dashboard', /^\/p\/(\d+)\/dashboard$/],
  ['project_defects', /^\/p\/(\d+)\/defects$/],
  ['delivery', /^\/p\/(\d+)\/delivery$/],
  ['delivery_building', /^\/p\/(\d+)\/delivery\/(\d+)$/],
  ['walkthrough', /^\/u\/(\d+)\/walkthrough$/],
  ['join', /^\/join$/],
  ['mine', /^\/mine$/],
  ['tasks', /^\/p\/(\d+)\/tasks$/],
  ['followup', /^\/p\/(\d+)\/followup$/],
  ['notify_settings', /^\/settings\/notifications$/],
];

export function parseRoute(hash) {
  const raw = (hash || '').replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?');
  const query = Object.fromEntries(new URLSearchParams(qs || ''));
  for (const [name, re] of ROUTES) {
    const m = re.exec(path);
    if (m) return { name, params: m.slice(1), query };
  }
  return { name: 'projects', params: [], query };
}

export function go(path, { replace = false } = {}) {
  if (replace) location.replace(`#${path}`);
  else location.hash = path;
}

export function useRoute() {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
