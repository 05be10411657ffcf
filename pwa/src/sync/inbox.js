/**
 * The in-app inbox (收件箱), kept for offline reading in the `meta` store:
 *
 * - inbox          the newest messages (at most KEEP), newest first, each {id, kind, title, body, defect_id, level,
 *                  created_at, read_at}
 * - inbox_unread   the server's unread count after the last fetch, minus what was read here since
 * - inbox_read     ids read on this device and not yet told to the server (sent by the next sync)
 *
 * Fetched on every sync cycle after the pull; reading offline marks locally and is sent later.
 */
import { getMeta, setMeta } from '../store/db.js';
import { getJson, sendJson } from './api.js';

export const KEEP = 200;

export async function inboxState() {
  return {
    messages: (await getMeta('inbox')) ?? [],
    unread: (await getMeta('inbox_unread')) ?? 0,
  };
}

/** Send local reads, then fetch messages newer than the newest kept. */
export async function syncInbox() {
  const pending = (await getMeta('inbox_read')) ?? [];
  if (pending.length) {
    await sendJson('POST', '/api/inbox/read', { ids: pending.slice(0, 1000) });
    await setMeta('inbox_read', pending.slice(1000));
  }
  const kept = (await getMeta('inbox')) ?? [];
  const after = kept.reduce((m, x) => Math.max(m, x.id), 0);
  const fresh = await getJson(`/api/inbox?after_id=${after}&limit=${KEEP}`);
  const byId = new Map([...fresh, ...kept].map((m) => [m.id, m]));
  const merged = [...byId.values()].sort((a, b) => b.id - a.id).slice(0, KEEP);
  await setMeta('inbox', merged);
  const { unread } = await getJson('/api/inbox/unread-count');
  await setMeta('inbox_unread', unread);
  return { received: fresh.length, unread };
}

/** Mark messages read here (works offline); the next sync tells the server. */
export async function markRead(ids) {
  const kept = (await getMeta('inbox')) ?? [];
  const now = new Date().toISOString();
  const newly = kept.filter((m) => ids.includes(m.id) && !m.read_at).map((m) => m.id);
  if (!newly.length) return;
  await setMeta(
    'inbox',
    kept.map((m) => (newly.includes(m.id) ? { ...m, read_at: now } : m)),
  );
  await setMeta('inbox_read', [...((await getMeta('inbox_read')) ?? []), ...newly]);
  await setMeta('inbox_unread', Math.max(0, ((await getMeta('inbox_unread')) ?? 0) - newly.length));
}
