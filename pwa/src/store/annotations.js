/**
 * Photo mark-up goes to the server through the outbox, as a `photo.annotate` mutation like every other
 * edit (the server merges it last-writer-wins by clock and records a conflict when two devices edited
 * from different versions). The device keeps its copy in meta under "ann:<sha256>":
 *   {shapes, base, state, at} — state 'waiting' (saved here; its photo is still uploading),
 *   'queued' (in the outbox), 'synced' (the server has it; `base` is the version's clock).
 * A photo the server does not hold yet cannot carry mark-up there, so the mutation is queued once the
 * photo has uploaded (the sync pass calls queueReadyAnnotations after the uploads).
 */
import { db, getMeta, setMeta } from './db.js';
import { record } from './outbox.js';

const key = (sha256) => `ann:${sha256}`;

export async function localAnnotation(sha256) {
  return getMeta(key(sha256));
}

/** Mark-up saved on this device and not yet in the outbox (waiting for its photo to upload). */
export async function waitingAnnotations() {
  const d = await db();
  const range = IDBKeyRange.bound('ann:', 'ann:\uffff');
  const keys = await d.getAllKeys('meta', range);
  const values = await d.getAll('meta', range);
  return keys.map((k, i) => ({ sha256: k.slice(4), ...values[i] })).filter((a) => a.state === 'waiting' || a.dirty);
}

/** Save mark-up on the device; it is queued for the server at once if the server has the photo. */
export async function saveAnnotation(sha256, shapes, base = '') {
  const prev = await localAnnotation(sha256);
  await setMeta(key(sha256), { shapes, base: base || prev?.base || '', state: 'waiting', at: new Date().toISOString() });
  return queueReadyAnnotations();
}

/** Move waiting mark-up whose photo has uploaded into the outbox. Returns how many were queued. */
export async function queueReadyAnnotations() {
  const d = await db();
  let queued = 0;
  for (const a of await waitingAnnotations()) {
    if (await d.get('photoQueue', a.sha256)) continue; // still uploading: the server could not attach it
    await record([{ name: 'photo.annotate', args: { sha256: a.sha256, shapes: a.shapes, base: a.base ?? '' } }]);
    const cur = await localAnnotation(a.sha256);
    if (cur && cur.at === a.at) await setMeta(key(a.sha256), { ...cur, state: 'queued', dirty: false });
    queued += 1;
  }
  return queued;
}
