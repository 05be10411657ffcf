/**
 * The device's database (IndexedDB, through idb). What is stored where:
 *
 * - meta        key → value: device_id, next_seq, hlc, session (token + user), lang,
 *               cursor:<project>, ready:<project> (when the offline download finished),
 *               reset:<project> (epoch of a scope-change re-download under way; see store/defects.js)
 * - reference   "<project>:<kind>" → the REST answer for that project (buildings, units, plan-types,
 *               inspections) and "library" / "contractors" / "projects" for global lists
 * - defects     id → the defect as this device shows it: the last server state (`base`) with every
 *               pending mutation replayed on top (`_seen`: the reset epoch that sent it); indexes by unit
 *               and project
 * - comments    id → comment (indexed by defect)
 * - conflicts   id → conflict the server recorded (indexed by defect)
 * - outbox      seq → mutation waiting for the server ({seq, hlc, name, args, state, message});
 *               applied ones leave, rejected ones stay with the server's reason until retried or discarded
 * - photoQueue  sha256 → a photo still to upload ({sha256, mime, size, state, upload_id, offset, message})
 * - blobs       "<sha256>:<size>" → {bytes: ArrayBuffer, mime}: our own photos and downloaded thumbnails/plans
 *
 * Rule kept everywhere: a transaction never waits on the network. Sync code reads what it needs,
 * closes the transaction, talks to the server, then opens a new one to write the answer.
 */
import { openDB } from 'idb';

export const DB_NAME = 'yanshou';
export const DB_VERSION = 1;

let dbPromise = null;

export function db() {
  if (!dbPromise) {
    dbPromise = openDB(DB_NAME, DB_VERSION, {
      upgrade(d) {
        d.createObjectStore('meta');
        d.createObjectStore('reference');
        const defects = d.createObjectStore('defects', { keyPath: 'id' });
        defects.createIndex('unit_id', 'unit_id');
        defects.createIndex('project_id', 'project_id');
        d.createObjectStore('comments', { keyPath: 'id' }).createIndex('defect_id', 'defect_id');
        d.createObjectStore('conflicts', { keyPath: 'id' }).createIndex('defect_id', 'defect_id');
        d.createObjectStore('outbox', { keyPath: 'seq' }).createIndex('defect_id', 'defect_id');
        d.createObjectStore('photoQueue', { keyPath: 'sha256' });
        d.createObjectStore('blobs');
      },
      blocking() {
        // A newer version of the app wants to upgrade the schema: let it, this page reloads on its own update.
        dbPromise?.then((d) => d.close());
        dbPromise = null;
      },
    });
  }
  return dbPromise;
}

/** For tests: forget the open connection (fake-indexeddb is replaced between tests). */
export async function resetDbForTests() {
  if (dbPromise) (await dbPromise).close();
  dbPromise = null;
}

export async function getMeta(key, fallback = null) {
  const v = await (await db()).get('meta', key);
  return v === undefined ? fallback : v;
}

export async function setMeta(key, value) {
  await (await db()).put('meta', value, key);
}

export async function delMeta(key) {
  await (await db()).delete('meta', key);
}
