/**
 * One sync pass: push the outbox in batches, upload queued photos, pull what changed.
 * Each step reads from IndexedDB, closes the transaction, talks to the server, then writes the answer
 * in a new transaction — a network wait never holds a transaction open.
 */
import { getMeta } from '../store/db.js';
import { applyPullPage } from '../store/defects.js';
import { nextBatch, settle } from '../store/outbox.js';
import { ApiError, getJson, sendJson } from './api.js';
import { queueReadyAnnotations } from '../store/annotations.js';
import { fetchMissingThumbs, uploadQueuedPhotos } from './photo-upload.js';

export const PUSH_BATCH = 100;

const wire = (m) => ({ seq: m.seq, hlc: m.hlc, name: m.name, args: m.args });

async function pushOne(deviceId, batch) {
  return sendJson('POST', '/api/sync/push', { device_id: deviceId, mutations: batch.map(wire) });
}

/**
 * Push every pending mutation. A batch the server refuses as a whole (4xx) is sent one by one, so a
 * single bad mutation is marked rejected with the server's message and never blocks the others.
 */
export async function push(progress = () => {}) {
  const deviceId = await getMeta('device_id');
  let sent = 0;
  for (;;) {
    const batch = await nextBatch(PUSH_BATCH);
    if (batch.length === 0) return sent;
    try {
      await settle(batch, await pushOne(deviceId, batch));
    } catch (e) {
      // 409: the server expects an earlier seq than we have — never mark mutations for that, report it.
      if (!(e instanceof ApiError) || e.status === 409 || e.status === 403 || e.status === 401) throw e;
      for (const m of batch) {
        try {
          await settle([m], await pushOne(deviceId, [m]));
        } catch (e1) {
          if (!(e1 instanceof ApiError) || e1.status === 409 || e1.status === 403 || e1.status === 401) throw e1;
          await settle([m], { results: [{ seq: m.seq, status: 'rejected', message: e1.message }] });
        }
      }
    }
    sent += batch.length;
    progress(sent);
  }
}

/**
 * Pull changes for one project until the server says there are no more. Each page and its cursor are
 * saved together; a `reset` page (the user's scope changed) starts a snapshot after which the project's
 * defects it did not send are dropped, unless they have unsynced mutations (store/defects.js).
 */
export async function pull(projectId, progress = () => {}) {
  const key = `cursor:${projectId}`;
  let cursor = (await getMeta(key)) ?? '';
  let received = 0;
  const photoShas = new Set();
  for (;;) {
    const q = new URLSearchParams({ cursor, project_id: String(projectId), limit: '1000' });
    const page = await getJson(`/api/sync/pull?${q}`);
    const changes = page.changes ?? [];
    await applyPullPage(projectId, page, key);
    for (const ch of changes) {
      if (ch.kind === 'defect' && ch.op === 'upsert') for (const p of ch.data?.photos ?? []) photoShas.add(p.sha256);
    }
    const advanced = page.cursor != null && page.cursor !== cursor;
    cursor = page.cursor ?? cursor;
    received += changes.length;
    progress(received);
    // A page can be empty and still not be the last (every row on it was outside this user's scope):
    // keep going while the cursor moves.
    if (!page.more || !advanced) break;
  }
  return { received, photoShas: [...photoShas] };
}

/** Push, upload photos, pull every project this device keeps offline, fetch new thumbnails. */
export async function syncOnce(report = () => {}) {
  report({ phase: 'push', done: 0 });
  const pushed = await push((n) => report({ phase: 'push', done: n }));
  report({ phase: 'photos', done: 0 });
  const uploaded = await uploadQueuedPhotos((done, total) => report({ phase: 'photos', done, total }));
  // Mark-up waits for its photo to reach the server; once it has, it goes through the outbox.
  if ((await queueReadyAnnotations()) > 0) await push();
  const projects = (await getMeta('offline_projects')) ?? [];
  let received = 0;
  const shas = [];
  for (const pid of projects) {
    report({ phase: 'pull', done: received });
    const r = await pull(pid, (n) => report({ phase: 'pull', done: received + n }));
    received += r.received;
    shas.push(...r.photoShas);
  }
  if (shas.length) {
    report({ phase: 'thumbs', done: 0, total: shas.length });
    await fetchMissingThumbs(shas, (done, total) => report({ phase: 'thumbs', done, total }));
  }
  return { pushed, uploaded, received };
}
