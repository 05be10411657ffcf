/**
 * Local defects: the last server copy (`_base`) with this device's pending mutations replayed on top.
 * Server changes from the pull and answers to our push both land here through `rebase`.
 *
 * A pull page that says `reset` (the user's scope changed on the server) starts a new snapshot of the
 * project. The device cannot know what it may no longer see, so it drops afterwards whatever the snapshot
 * did not send: `reset:<project>` in meta holds a random epoch, each defect a snapshot page upserts is
 * stamped with it (`_seen`), and the last page sweeps the project's unstamped defects — never one with
 * mutations still in the outbox. Marker, stamps, sweep and cursor are written in the page's own
 * transaction, so a page closed half-way resumes the download and still sweeps at its end.
 */
import { applyMutation } from './apply.js';
import { db } from './db.js';

export const DEFECT_STORES = ['defects', 'outbox', 'comments', 'conflicts'];

export const resetKey = (projectId) => `reset:${projectId}`;

/**
 * What the device shows for a defect: its last server copy `rec._base` with the pending mutations (by seq)
 * replayed on top; null when there is nothing to show.
 */
function shownRecord(rec, pending) {
  pending.sort((a, b) => a.seq - b.seq);
  let shown = rec?._base ?? null;
  for (const m of pending) shown = applyMutation(shown, m, m.local) ?? shown;
  if (!shown) return null;
  const next = {
    ...shown,
    _base: rec?._base ?? null,
    _pending: pending.some((m) => m.state === 'pending'),
    _error: pending.find((m) => m.state === 'rejected')?.message ?? null,
  };
  if (rec?._seen !== undefined) next._seen = rec._seen; // the reset epoch that last sent it (see above)
  return next;
}

/** Recompute what the device shows for one defect, inside the caller's transaction. */
export async function rebase(tx, id) {
  const store = tx.objectStore('defects');
  const rec = await store.get(id);
  const pending = await tx.objectStore('outbox').index('defect_id').getAll(id);
  const next = shownRecord(rec, pending);
  if (!next) {
    if (rec) await store.delete(id);
    return null;
  }
  await store.put(next);
  return next;
}

/** Apply server changes (defects, comments, conflicts) in one transaction. */
export async function applyChanges(changes) {
  const tx = (await db()).transaction(DEFECT_STORES, 'readwrite');
  const touched = await applyInTx(tx, changes);
  await tx.done;
  return touched;
}

/**
 * Apply one pull page of a project and store its cursor under `cursorKey`, in one transaction: a reset
 * starts a new epoch, a snapshot page stamps what it sends, the last page sweeps (see the module doc).
 */
export async function applyPullPage(projectId, page, cursorKey) {
  const tx = (await db()).transaction([...DEFECT_STORES, 'meta'], 'readwrite');
  const meta = tx.objectStore('meta');
  let epoch = await meta.get(resetKey(projectId));
  if (page.reset) {
    epoch = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    await meta.put(epoch, resetKey(projectId));
  }
  const touched = await applyInTx(tx, page.changes ?? [], epoch);
  let swept = 0;
  if (epoch !== undefined && !page.more) {
    swept = await sweep(tx, projectId, epoch);
    await meta.delete(resetKey(projectId));
  }
  if (page.cursor != null) await meta.put(page.cursor, cursorKey);
  await tx.done;
  return { touched, swept };
}

/**
 * Apply a page of changes inside `tx`. A page is up to thousands of entries: the reads are issued together
 * (one get per defect, one read of the outbox) and the writes are queued without waiting on each, so the
 * page costs a few round trips to IndexedDB, not four per defect.
 */
async function applyInTx(tx, changes, epoch) {
  const defects = tx.objectStore('defects');
  const latest = new Map(); // defect id → its last change on the page
  const writes = [];
  for (const ch of changes) {
    if (ch.kind === 'defect') latest.set(ch.id, ch);
    else if (ch.kind === 'comment') {
      const store = tx.objectStore('comments');
      writes.push(ch.op === 'upsert' ? store.put({ ...ch.data, id: ch.id, _pending: false }) : store.delete(ch.id));
    } else if (ch.kind === 'conflict') {
      const store = tx.objectStore('conflicts');
      const key = isNaN(Number(ch.id)) ? ch.id : Number(ch.id);
      writes.push(ch.op === 'upsert' ? store.put({ ...ch.data, id: ch.data?.id ?? ch.id }) : store.delete(key));
    }
  }
  const ids = [...latest.keys()];
  const [records, outbox] = await Promise.all([
    Promise.all(ids.map((id) => defects.get(id))),
    ids.length ? tx.objectStore('outbox').getAll() : [],
  ]);
  const pendingOf = new Map();
  for (const m of outbox) {
    if (!latest.has(m.defect_id)) continue;
    if (!pendingOf.has(m.defect_id)) pendingOf.set(m.defect_id, []);
    pendingOf.get(m.defect_id).push(m);
  }
  ids.forEach((id, i) => {
    const ch = latest.get(id);
    const rec = records[i];
    const base = ch.op === 'upsert' ? stripHistory(ch.data) : null;
    const stamp = base && epoch !== undefined ? { _seen: epoch } : {};
    const stored = rec ? { ...rec, _base: base, ...stamp } : base ? { ...base, _base: base, ...stamp } : null;
    const next = shownRecord(stored, pendingOf.get(id) ?? []);
    if (next) writes.push(defects.put(next));
    else if (rec) writes.push(defects.delete(id));
  });
  await Promise.all(writes);
  return ids.length;
}

/**
 * After a reset's snapshot: drop the project's defects it did not send, with their comments and conflicts.
 * A defect with mutations in the outbox (pending, or refused and waiting for the inspector) is kept:
 * unsynced work is never lost, and the server judges it when it is pushed.
 */
async function sweep(tx, projectId, epoch) {
  const defects = tx.objectStore('defects');
  const outbox = tx.objectStore('outbox').index('defect_id');
  let swept = 0;
  for (const d of await defects.index('project_id').getAll(projectId)) {
    if (d._seen === epoch || (await outbox.count(d.id)) > 0) continue;
    await defects.delete(d.id);
    for (const name of ['comments', 'conflicts']) {
      const store = tx.objectStore(name);
      for (const key of await store.index('defect_id').getAllKeys(d.id)) await store.delete(key);
    }
    swept++;
  }
  return swept;
}

function stripHistory(d) {
  if (!d) return d;
  const { history, comments, ...rest } = d;
  return rest;
}

/** The server's current copy of one defect, from a push result. */
export async function setBase(tx, defect) {
  const store = tx.objectStore('defects');
  const rec = await store.get(defect.id);
  await store.put({ ...(rec ?? defect), _base: stripHistory(defect) });
}

export async function getDefect(id) {
  return (await db()).get('defects', id);
}

export async function defectsOfUnit(unitId) {
  return (await db()).getAllFromIndex('defects', 'unit_id', unitId);
}

export async function defectsOfProject(projectId) {
  return (await db()).getAllFromIndex('defects', 'project_id', projectId);
}

export async function commentsOf(defectId) {
  const rows = await (await db()).getAllFromIndex('comments', 'defect_id', defectId);
  return rows.sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
}

export async function conflictsOf(defectId) {
  return (await db()).getAllFromIndex('conflicts', 'defect_id', defectId);
}

/** How many conflicts on this device's defects are still open (the sync bar never says "all synced" then). */
export async function openConflictCount() {
  const all = await (await db()).getAll('conflicts');
  return all.filter((c) => c.status === 'open').length;
}
