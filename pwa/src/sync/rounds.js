/**
 * Rounds, the checklist, the server's checklist answers and its suspected duplicates, fetched for each
 * offline project on every sync pass (after the push, so the answers include this device's own, and the
 * suspicions the push just recorded). Staff only: for other roles the server answers 403/404 and the
 * tablet keeps the plain list of inspections.
 */
import { mayOpen } from '../store/apply.js';
import { db, getMeta } from '../store/db.js';
import { putSuspects } from '../store/duplicates.js';
import { answersKey } from '../store/rounds.js';
import { putReference, projectKey } from '../store/reference.js';
import { ApiError, getJson } from './api.js';

const STAFF = new Set(['admin', 'manager', 'inspector']);

export async function refreshRounds(projectId) {
  const role = (await getMeta('session'))?.user?.role;
  if (!STAFF.has(role)) return;
  try {
    if (mayOpen('duplicates', role)) await putSuspects(projectId, await getJson(`/api/projects/${projectId}/duplicates`));
    const rounds = await getJson(`/api/projects/${projectId}/rounds`);
    await putReference(projectKey(projectId, 'rounds'), rounds);
    await putReference(projectKey(projectId, 'checklist'), await getJson(`/api/projects/${projectId}/checklist`));
    for (const r of rounds.filter((x) => x.status === 'open')) {
      const rows = await getJson(`/api/inspections/${r.id}/results`);
      const answers = {};
      for (const a of rows) {
        answers[`${a.unit_id}:${a.room_id}:${a.item_id}`] = {
          unit_id: a.unit_id,
          result: a.result,
          measured: a.measured,
          defect_id: a.defect_id,
          hlc: a.clock,
        };
      }
      await putReference(projectKey(projectId, `answers:${r.id}`), answers);
      await forgetSent(r.id, answers);
    }
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return;
    throw e;
  }
}

/** Drop this device's own answers the server now holds (the same or a later one), in one transaction. */
async function forgetSent(roundId, server) {
  const tx = (await db()).transaction('meta', 'readwrite');
  const mine = (await tx.store.get(answersKey(roundId))) ?? {};
  const kept = Object.fromEntries(Object.entries(mine).filter(([k, v]) => (server[k]?.hlc ?? '') < (v.hlc ?? '')));
  await tx.store.put(kept, answersKey(roundId));
  await tx.done;
}
