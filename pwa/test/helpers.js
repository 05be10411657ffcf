import { IDBFactory } from 'fake-indexeddb';
import { resetDbForTests, setMeta } from '../src/store/db.js';

export const DEVICE = '11111111-2222-4333-8444-555555555555';

/** A brand-new database for one test, with a device id. */
export async function freshDb() {
  await resetDbForTests();
  globalThis.indexedDB = new IDBFactory();
  await setMeta('device_id', DEVICE);
}

/** A fetch stand-in: routes "METHOD /path" to handlers; records every call. */
export function fakeFetch(routes) {
  const calls = [];
  const fn = async (url, init = {}) => {
    const method = init.method ?? 'GET';
    const path = String(url);
    calls.push({ method, path, init, body: init.body && typeof init.body === 'string' ? JSON.parse(init.body) : init.body });
    for (const [key, handler] of Object.entries(routes)) {
      const [m, prefix] = key.split(' ');
      if (m === method && path.startsWith(prefix)) {
        const out = await handler({ path, init, body: calls.at(-1).body, calls });
        if (out instanceof Error) throw out;
        const { status = 200, json, headers = {} } = out;
        return new Response(json === undefined ? null : JSON.stringify(json), {
          status,
          headers: { 'Content-Type': 'application/json', ...headers },
        });
      }
    }
    return new Response(JSON.stringify({ message: `no route ${method} ${path}` }), { status: 404 });
  };
  fn.calls = calls;
  return fn;
}

export function serverDefect(over = {}) {
  return {
    id: 'aaaaaaaa-0000-4000-8000-000000000001',
    project_id: 1,
    unit_id: 10,
    room_id: 3,
    pin_x: 0.5,
    pin_y: 0.5,
    type_id: 7,
    severity: 'B',
    description: 'server text',
    reporter_id: 2,
    inspection_id: null,
    contractor_id: null,
    status: 'open',
    due_date: null,
    repeat_count: 0,
    satisfaction: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    photos: [],
    ...over,
  };
}
