/**
 * What the sync bar says, from the outbox counts, the driver's state and the browser's network flag.
 * "已全部同步" only when the last pass reached the server, nothing waits, nothing failed and no conflict is
 * open; otherwise it says how many changes wait or failed and why, in site terms (no signal, the server
 * does not answer, the server refused some). Pure, so every case is unit-tested.
 *
 * counts: {records, photos, annotations, rejected, photoErrors, conflicts}
 * sync: the driver's state {running, phase, done, total, offline, error, lastSyncAt, failures}
 * Returns {state, key, vars}: state is the bar's class (syncing | offline | unreachable | failed | conflict
 * | waiting | unknown | ok), key and vars its words (i18n/messages.js).
 */
export function syncSummary(counts, sync = {}, online = true) {
  const waiting = (counts.records ?? 0) + (counts.photos ?? 0) + (counts.annotations ?? 0);
  const failed = (counts.rejected ?? 0) + (counts.photoErrors ?? 0);
  const conflicts = counts.conflicts ?? 0;
  const vars = { n: waiting, failed, conflicts, records: counts.records ?? 0, photos: counts.photos ?? 0 };
  if (sync.running) return { state: 'syncing', key: 'syncing_phase', vars: { ...vars, phase: sync.phase, done: sync.done, total: sync.total } };
  if (!online) return { state: 'offline', key: waiting ? 'bar_offline_waiting' : 'bar_offline', vars };
  if (sync.offline) return { state: 'unreachable', key: waiting ? 'bar_unreachable_waiting' : 'bar_unreachable', vars };
  if (sync.error) return { state: 'failed', key: 'bar_sync_error', vars };
  if (failed) return { state: 'failed', key: 'bar_failed', vars };
  if (conflicts) return { state: 'conflict', key: 'bar_conflicts', vars };
  if (waiting) return { state: 'waiting', key: 'bar_waiting', vars };
  if (!sync.lastSyncAt) return { state: 'unknown', key: 'bar_not_checked', vars };
  return { state: 'ok', key: 'synced', vars };
}
