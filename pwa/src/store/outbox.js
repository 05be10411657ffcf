/**
 * The outbox: every change the inspector makes becomes a mutation here, in the same transaction
 * that shows it on the device, so a change is either both saved and queued or neither.
 *
 * Each mutation gets the next per-device `seq` and an HLC stamp. Mutations stay until the server
 * has answered; a replay of the same seq (after a crash mid-push) gets the original answer back.
 * Rejected ones stay, with the server's reason, until the inspector retries (new seq) or discards.
 */
import { formatHlc, receive, tick } from '../sync/hlc.js';
import { applyMutation } from './apply.js';
import { db } from './db.js';
import { rebase, setBase } from './defects.js';

const STORES = ['meta', 'outbox', 'defects', 'comments', 'photoQueue', 'blobs'];

async function nextStamp(meta, deviceId) {
  const last = (await meta.get('hlc')) ?? { pt: 0, c: 0 };
  const next = tick(last, Date.now());
  await meta.put(next, 'hlc');
  const seq = ((await meta.get('next_seq')) ?? 0) + 1;
  await meta.put(seq, 'next_seq');
  return { seq, hlc: formatHlc(next.pt, next.c, deviceId) };
}

/**
 * Save changes on the device and queue them for the server, atomically.
 * entries: [{name, args, local?}] — `local` is what the device needs to show a create (project_id, …).
 * photos: [{sha256, mime, size, bytes, thumb?: {bytes, mime}, defect_id}] — compressed and hashed already.
 */
export async function record(entries, photos = []) {
  const tx = (await db()).transaction(STORES, 'readwrite');
  const meta = tx.objectStore('meta');
  const deviceId = await meta.get('device_id');
  if (!deviceId) throw new Error('device id missing: call ensureDevice() first');
  const queued = [];
  for (const p of photos) {
    await tx.objectStore('blobs').put({ bytes: p.bytes, mime: p.mime }, `${p.sha256}:display`);
    if (p.thumb) await tx.objectStore('blobs').put(p.thumb, `${p.sha256}:thumb`);
    const existing = await tx.objectStore('photoQueue').get(p.sha256);
    if (!existing) {
      await tx.objectStore('photoQueue').put({
        sha256: p.sha256,
        mime: p.mime,
        size: p.size,
        defect_id: p.defect_id ?? null,
        state: 'pending',
        upload_id: null,
        offset: 0,
        message: null,
        created_at: new Date().toISOString(),
      });
    }
  }
  const touched = new Set();
  for (const e of entries) {
    const { seq, hlc } = await nextStamp(meta, deviceId);
    const m = {
      seq,
      hlc,
      name: e.name,
      args: e.args,
      local: { now: new Date().toISOString(), seq, ...(e.local ?? {}) },
      defect_id: e.name.startsWith('defect.') ? e.args.id : null,
      state: 'pending',
      message: null,
    };
    await tx.objectStore('outbox').put(m);
    queued.push(m);
    if (e.name === 'checklist.result') await rememberAnswer(meta, m);
    if (e.name === 'checkin.record') await rememberCheckin(meta, m);
    if (m.defect_id === null) continue;
    if (e.name === 'defect.comment') {
      await tx.objectStore('comments').put({
        id: e.args.comment_id,
        defect_id: e.args.id,
        body: e.args.body,
        author_id: e.local?.user_id ?? null,
        created_at: m.local.now,
        _pending: true,
      });
    } else if (m.defect_id) {
      touched.add(m.defect_id);
    }
  }
  for (const id of touched) await rebase(tx, id);
  await tx.done;
  return queued;
}

/** A checklist answer shows at once: kept by round as "unit:room:item" (store/rounds.js reads it). */
async function rememberAnswer(meta, m) {
  const a = m.args;
  const key = `answers:${a.inspection_id}`;
  const answers = (await meta.get(key)) ?? {};
  answers[`${a.unit_id}:${a.room_id ?? 0}:${a.item_id}`] = {
    unit_id: a.unit_id,
    result: a.result ?? '',
    measured: a.measured ?? null,
    defect_id: a.defect_id ?? null,
    hlc: m.hlc,
  };
  await meta.put(answers, key);
}

/** A staff check-in shows at once: kept by round as {unitId: time} (screens/Owners.jsx reads it). */
async function rememberCheckin(meta, m) {
  const key = `checkins:${m.args.inspection_id}`;
  const mine = (await meta.get(key)) ?? {};
  mine[m.args.unit_id] = m.local.now;
  await meta.put(mine, key);
}

/** The next batch to push: pending mutations in seq order (rejected ones never block the rest). */
export async function nextBatch(limit = 100) {
  const out = [];
  let cursor = await (await db()).transaction('outbox').store.openCursor();
  while (cursor && out.length < limit) {
    if (cursor.value.state === 'pending') out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

const SETTLED = new Set(['applied', 'merged', 'duplicate', 'conflict']);

/** Write the server's answers to a push: settled mutations leave, rejected ones keep the reason. */
export async function settle(sent, response) {
  const tx = (await db()).transaction(STORES, 'readwrite');
  const bySeq = new Map(sent.map((m) => [m.seq, m]));
  const touched = new Set();
  const meta = tx.objectStore('meta');
  if (response.hlc) {
    const last = (await meta.get('hlc')) ?? { pt: 0, c: 0 };
    await meta.put(receive(last, response.hlc, Date.now()), 'hlc');
  }
  for (const r of response.results ?? []) {
    const m = bySeq.get(r.seq);
    if (!m) continue;
    if (m.name === 'photo.annotate') {
      await settleAnnotation(tx, m, r);
      continue;
    }
    if (r.defect && r.defect.id) await setBase(tx, r.defect);
    else if (m.defect_id && r.status !== 'conflict' && r.status !== 'rejected' && m.name !== 'defect.comment') {
      // Accepted without a copy of the result: the server's state is ours with this mutation applied.
      const rec = await tx.objectStore('defects').get(m.defect_id);
      const base = applyMutation(rec?._base ?? null, m, m.local);
      if (base) await tx.objectStore('defects').put({ ...(rec ?? base), _base: base });
    }
    if (SETTLED.has(r.status)) {
      await tx.objectStore('outbox').delete(m.seq);
      if (m.name === 'defect.comment') {
        const c = await tx.objectStore('comments').get(m.args.comment_id);
        if (c) await tx.objectStore('comments').put({ ...c, _pending: false });
      }
    } else {
      await tx.objectStore('outbox').put({ ...m, state: 'rejected', message: r.message || r.status, code: r.code ?? null });
    }
    if (m.defect_id) touched.add(m.defect_id);
  }
  for (const id of touched) await rebase(tx, id);
  await tx.done;
}

/** A mark-up mutation answered: it leaves the outbox (or keeps the reason), and the device's copy notes
 * the version the server holds (the next edit's `base`) unless a newer local edit is waiting. */
async function settleAnnotation(tx, m, r) {
  const meta = tx.objectStore('meta');
  const k = `ann:${m.args.sha256}`;
  const cur = await meta.get(k);
  if (r.status === 'rejected') {
    await tx.objectStore('outbox').put({ ...m, state: 'rejected', message: r.message || r.status, code: r.code ?? null });
    return;
  }
  await tx.objectStore('outbox').delete(m.seq);
  if (cur && cur.state === 'queued') {
    // "merged": a newer mark-up from another device was kept; the next open fetches it.
    const base = r.status === 'applied' ? (r.hlc ?? m.hlc) : cur.base;
    await meta.put({ ...cur, state: r.status === 'applied' ? 'synced' : 'stale', base }, k);
  }
}

/** Send a rejected mutation again, as a new mutation (the old seq's answer is fixed on the server). */
export async function retry(seq) {
  const tx = (await db()).transaction(STORES, 'readwrite');
  const m = await tx.objectStore('outbox').get(seq);
  if (m) {
    const { seq: newSeq, hlc } = await nextStamp(tx.objectStore('meta'), await tx.objectStore('meta').get('device_id'));
    await tx.objectStore('outbox').delete(seq);
    await tx.objectStore('outbox').put({ ...m, seq: newSeq, hlc, state: 'pending', code: null, message: null });
  }
  await tx.done;
}

/** Give up on a rejected mutation: the device shows the server's copy again (or nothing, for a create). */
export async function discard(seq) {
  const tx = (await db()).transaction(STORES, 'readwrite');
  const m = await tx.objectStore('outbox').get(seq);
  if (m) {
    await tx.objectStore('outbox').delete(seq);
    if (m.name === 'defect.comment') await tx.objectStore('comments').delete(m.args.comment_id);
    if (m.defect_id) await rebase(tx, m.defect_id);
  }
  await tx.done;
}

export async function allMutations() {
  return (await db()).getAll('outbox');
}

/** {pending, rejected} counts of records waiting for the server. */
export async function outboxCounts() {
  const all = await allMutations();
  const rejected = all.filter((m) => m.state === 'rejected').length;
  return { pending: all.length - rejected, rejected };
}
