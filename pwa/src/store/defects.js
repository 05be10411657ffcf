/**
 * Local defects: the last server copy (`_base`) with this device's pending mutations replayed on top.
 * Server changes from the pull and answers to our push both land here through `rebase`.
 */
import { applyMutation } from './apply.js';
import { db } from './db.js';

export const DEFECT_STORES = ['defects', 'outbox', 'comments', 'conflicts'];

/** Recompute what the device shows for one defect, inside the caller's transaction. */
export async function rebase(tx, id) {
  const store = tx.objectStore('defects');
  const rec = await store.get(id);
  const pending = await tx.objectStore('outbox').index('defect_id').getAll(id);
  pending.sort((a, b) => a.seq - b.seq);
  let shown = rec?._base ?? null;
  for (const m of pending) shown = applyMutation(shown, m, m.local) ?? shown;
  if (!shown) {
    if (rec) await store.delete(id);
    return null;
  }
  const next = {
    ...shown,
    _base: rec?._base ?? null,
    _pending: pending.some((m) => m.state === 'pending'),
    _error: pending.find((m) => m.state === 'rejected')?.message ?? null,
  };
  await store.put(next);
  return next;
}

/** Apply the pull's changes (defects, comments, conflicts) in one transaction. */
export async function applyChanges(changes) {
  const tx = (await db()).transaction(DEFECT_STORES, 'readwrite');
  const touched = new Set();
  for (const ch of changes) {
    if (ch.kind === 'defect') {
      const rec = await tx.objectStore('defects').get(ch.id);
      const base = ch.op === 'upsert' ? stripHistory(ch.data) : null;
      if (rec) await tx.objectStore('defects').put({ ...rec, _base: base });
      else if (base) await tx.objectStore('defects').put({ ...base, _base: base });
      touched.add(ch.id);
    } else if (ch.kind === 'comment') {
      if (ch.op === 'upsert') await tx.objectStore('comments').put({ ...ch.data, id: ch.id, _pending: false });
      else await tx.objectStore('comments').delete(ch.id);
    } else if (ch.kind === 'conflict') {
      if (ch.op === 'upsert') await tx.objectStore('conflicts').put({ ...ch.data, id: ch.data?.id ?? ch.id });
      else await tx.objectStore('conflicts').delete(isNaN(Number(ch.id)) ? ch.id : Number(ch.id));
    }
  }
  for (const id of touched) await rebase(tx, id);
  await tx.done;
  return touched.size;
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
