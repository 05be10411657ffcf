/** The device id (made once), the login session (kept for offline days), and asking for persistent storage. */
import { db, delMeta, getMeta, setMeta } from '../store/db.js';
import { getJson, sendJson, setToken } from './api.js';

export async function ensureDevice() {
  let id = await getMeta('device_id');
  if (!id) {
    id = crypto.randomUUID();
    await setMeta('device_id', id);
  }
  return id;
}

/** The stored session {token, expires_at, user}, with the token handed to the API client. */
export async function loadSession() {
  const s = await getMeta('session');
  if (s && (!s.expires_at || new Date(s.expires_at) > new Date())) {
    setToken(s.token);
    return s;
  }
  return null;
}

async function deviceLabel() {
  const deviceId = await ensureDevice();
  const ua = globalThis.navigator?.userAgent ?? '';
  return `pwa ${deviceId.slice(0, 8)} ${ua}`.slice(0, 120);
}

export async function login(username, password) {
  return start(await sendJson('POST', '/api/auth/login', { username, password, device: await deviceLabel() }));
}

/** A homeowner signs up with the code of their invitation letter and is logged in. */
export async function join(form) {
  return start(await sendJson('POST', '/api/auth/join', { ...form, device: await deviceLabel() }));
}

async function start(s) {
  setToken(s.token);
  await switchUser(s);
  await setMeta('session', s);
  return s;
}

/**
 * The server ties a device id to one user. When someone else logs in on this tablet, the local data
 * of the previous user is cleared and the device gets a new id — unless that user still has unsynced
 * work, which is never thrown away: then the login is refused.
 */
async function switchUser(s) {
  const owner = await getMeta('device_user');
  if (owner == null || owner.id === s.user.id) {
    await setMeta('device_user', { id: s.user.id, name: s.user.display_name });
    return;
  }
  const d = await db();
  const waiting = (await d.count('outbox')) + (await d.count('photoQueue'));
  if (waiting > 0) {
    await sendJson('POST', '/api/auth/logout').catch(() => {});
    setToken(null);
    throw new Error(
      `本机还有 ${owner.name} 未同步的 ${waiting} 项，请由其登录并同步 / ` +
        `${owner.name} has ${waiting} unsynced items on this device: they must log in and sync first`,
    );
  }
  const tx = d.transaction(['meta', 'reference', 'defects', 'comments', 'conflicts', 'blobs'], 'readwrite');
  for (const name of ['reference', 'defects', 'comments', 'conflicts', 'blobs']) await tx.objectStore(name).clear();
  const meta = tx.objectStore('meta');
  for (const key of await meta.getAllKeys()) if (key !== 'persist_warned') await meta.delete(key);
  await meta.put(crypto.randomUUID(), 'device_id');
  await meta.put({ id: s.user.id, name: s.user.display_name }, 'device_user');
  await tx.done;
}

/** Refresh who we are (projects may have changed); offline, the stored user stays. */
export async function refreshMe(session) {
  const user = await getJson('/api/auth/me');
  const next = { ...session, user };
  await setMeta('session', next);
  return next;
}

/** Log out. The caller refuses while there is unsynced work (it would be stranded without a token). */
export async function logout() {
  try {
    await sendJson('POST', '/api/auth/logout');
  } catch {
    // offline or already expired: forgetting the token locally is what matters
  }
  await delMeta('session');
  setToken(null);
}

/** Ask the browser not to evict our data under storage pressure; returns whether it agreed. */
export async function persistStorage() {
  try {
    if (!navigator.storage?.persist) return false;
    if (await navigator.storage.persisted()) return true;
    return await navigator.storage.persist();
  } catch {
    return false;
  }
}
