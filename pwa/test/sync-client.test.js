import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getMeta, resetDbForTests, setMeta } from '../src/store/db.js';
import { applyChanges, commentsOf, conflictsOf, getDefect } from '../src/store/defects.js';
import { outboxCounts, record } from '../src/store/outbox.js';
import { photoCounts, queuedPhotos } from '../src/store/photos.js';
import { OfflineError, setToken } from '../src/sync/api.js';
import { PUSH_BATCH, pull, push, syncOnce } from '../src/sync/client.js';
import { uploadQueuedPhotos } from '../src/sync/photo-upload.js';
import { DEVICE, fakeFetch, freshDb, serverDefect } from './helpers.js';

const uuid = (n) => `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, '0')}`;
const create = (n, over = {}) => ({
  name: 'defect.create',
  args: { id: uuid(n), unit_id: 10, type_id: 7, ...over },
  local: { project_id: 1 },
});
const applyAll = ({ body }) => ({
  json: { results: body.mutations.map((m) => ({ seq: m.seq, status: 'applied' })), hlc: '0000000000001:00000:s' },
});

beforeEach(async () => {
  await freshDb();
  setToken('tok');
});
afterEach(() => vi.unstubAllGlobals());

describe('push', () => {
  it('sends the outbox in seq order, in batches, with the bearer token, and empties it', async () => {
    const entries = Array.from({ length: PUSH_BATCH + 20 }, (_, i) => create(i + 1));
    await record(entries);
    const f = fakeFetch({ 'POST /api/sync/push': applyAll });
    vi.stubGlobal('fetch', f);
    expect(await push()).toBe(PUSH_BATCH + 20);
    expect(f.calls.map((c) => c.body.mutations.length)).toEqual([PUSH_BATCH, 20]);
    const seqs = f.calls.flatMap((c) => c.body.mutations.map((m) => m.seq));
    expect(seqs).toEqual(entries.map((_, i) => i + 1));
    expect(f.calls[0].body.device_id).toBe(DEVICE);
    expect(f.calls[0].init.headers.Authorization).toBe('Bearer tok');
    expect(Object.keys(f.calls[0].body.mutations[0]).sort()).toEqual(['args', 'hlc', 'name', 'seq']);
    expect(await outboxCounts()).toEqual({ pending: 0, rejected: 0 });
  });

  it('a refusal marks that mutation only; the rest are applied', async () => {
    await record([create(1), create(2, { unit_id: 999 }), create(3)]);
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'POST /api/sync/push': ({ body }) => ({
          json: {
            results: body.mutations.map((m) =>
              m.args.unit_id === 999
                ? { seq: m.seq, status: 'rejected', message: '无权访问该房号 / Unit outside your scope' }
                : { seq: m.seq, status: 'applied' },
            ),
          },
        }),
      }),
    );
    await push();
    expect(await outboxCounts()).toEqual({ pending: 0, rejected: 1 });
    expect((await getDefect(uuid(2)))._error).toMatch('outside your scope');
    expect((await getDefect(uuid(3)))._pending).toBe(false);
  });

  it('a whole batch refused with 422 is retried one by one, so one bad mutation cannot block the others', async () => {
    await record([create(1), create(2, { unit_id: 'bad' })]);
    vi.stubGlobal(
      'fetch',
      fakeFetch({
        'POST /api/sync/push': ({ body }) =>
          body.mutations.some((m) => m.args.unit_id === 'bad')
            ? { status: 422, json: { message: '请求内容有误 / The request has invalid fields' } }
            : applyAll({ body }),
      }),
    );
    await push();
    expect(await outboxCounts()).toEqual({ pending: 0, rejected: 1 });
  });

  it('no network: nothing is marked, everything stays pending', async () => {
    await record([create(1)]);
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(push()).rejects.toBeInstanceOf(OfflineError);
    expect(await outboxCounts()).toEqual({ pending: 1, rejected: 0 });
  });

  it('after a crash mid-push the same seqs are sent again (the server answers them from its ledger)', async () => {
    await record([create(1), create(2)]);
    let first = true;
    const f = fakeFetch({
      'POST /api/sync/push': ({ body }) => {
        if (first) {
          first = false;
          return new TypeError('connection reset'); // the server applied it, the answer was lost
        }
        return { json: { results: body.mutations.map((m) => ({ seq: m.seq, status: 'duplicate' })) } };
      },
    });
    vi.stubGlobal('fetch', f);
    await expect(push()).rejects.toBeInstanceOf(OfflineError);
    await push();
    expect(f.calls.map((c) => c.body.mutations.map((m) => m.seq))).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(await outboxCounts()).toEqual({ pending: 0, rejected: 0 });
  });
});

/** A server whose pull answers the page stored under the request's cursor. */
function servePages(pages) {
  const f = fakeFetch({ 'GET /api/sync/pull': ({ path }) => ({ json: pages[cursorOf(path)] }) });
  vi.stubGlobal('fetch', f);
  return f;
}

const cursorOf = (path) => new URL(path, 'http://x').searchParams.get('cursor');

describe('pull', () => {
  it('follows the cursor until there is no more, and remembers it', async () => {
    const pages = {
      '': { changes: [{ kind: 'defect', id: uuid(1), op: 'upsert', data: serverDefect({ id: uuid(1) }) }], cursor: 'c1.1', more: true },
      'c1.1': { changes: [{ kind: 'defect', id: uuid(2), op: 'upsert', data: serverDefect({ id: uuid(2) }) }], cursor: 'c1.2', more: false },
    };
    const f = servePages(pages);
    const r = await pull(1);
    expect(r.received).toBe(2);
    expect(await getMeta('cursor:1')).toBe('c1.2');
    expect(await getDefect(uuid(2))).toBeTruthy();
    expect(f.calls[0].path).toContain('project_id=1');
  });

  it('keeps going past an empty page that is not the last', async () => {
    const pages = {
      '': { changes: [], cursor: 'c1.5', more: true },
      'c1.5': { changes: [{ kind: 'defect', id: uuid(3), op: 'upsert', data: serverDefect({ id: uuid(3) }) }], cursor: 'c1.9', more: false },
    };
    const f = servePages(pages);
    const r = await pull(1);
    expect(r.received).toBe(1);
    expect(await getDefect(uuid(3))).toBeTruthy();
    expect(await getMeta('cursor:1')).toBe('c1.9');
  });

  it('stops when the server does not move the cursor', async () => {
    const f = fakeFetch({ 'GET /api/sync/pull': () => ({ json: { changes: [], cursor: '', more: true } }) });
    vi.stubGlobal('fetch', f);
    const r = await pull(1);
    expect(r.received).toBe(0);
    expect(f.calls.length).toBe(1);
  });
});

describe('pull after a scope change (reset)', () => {
  const upsert = (n, over = {}) => ({ kind: 'defect', id: uuid(n), op: 'upsert', data: serverDefect({ id: uuid(n), ...over }) });
  const byCursor = (pages) =>
    fakeFetch({
      'GET /api/sync/pull': ({ path }) => {
        const page = pages[cursorOf(path)];
        return page instanceof Error ? page : { json: { reset: false, ...page } };
      },
    });
  // What the device held before: defects 1–3 and 5 of project 1 (2 with a comment and a conflict), 4 of project 2.
  const holdBefore = async () => {
    await applyChanges([
      upsert(1),
      upsert(2),
      upsert(3),
      upsert(4, { project_id: 2 }),
      upsert(5),
      { kind: 'comment', id: 'c-2', op: 'upsert', data: { id: 'c-2', defect_id: uuid(2), body: '旧留言' } },
      { kind: 'conflict', id: '77', op: 'upsert', data: { id: 77, defect_id: uuid(2), status: 'open' } },
    ]);
    await setMeta('cursor:1', 'c2.5.0');
  };
  const RESET = { changes: [], cursor: 's2.9.1.', more: true, reset: true };

  it('re-downloads the project and drops what the snapshot did not send, except unsynced work', async () => {
    await holdBefore();
    await record([
      { name: 'defect.update', args: { id: uuid(5), fields: { description: '还没同步' } } }, // pending on a server defect
      create(6), // created here, not yet pushed
    ]);
    vi.stubGlobal(
      'fetch',
      byCursor({
        'c2.5.0': RESET,
        's2.9.1.': { changes: [upsert(1)], cursor: 's2.9.1.p1', more: true },
        's2.9.1.p1': { changes: [upsert(3, { description: '新的' })], cursor: 'c2.9.1', more: false },
        'c2.9.1': { changes: [], cursor: 'c2.9.1', more: false },
      }),
    );
    await pull(1);
    expect(await getDefect(uuid(2))).toBeUndefined(); // out of scope now
    expect(await commentsOf(uuid(2))).toEqual([]);
    expect(await conflictsOf(uuid(2))).toEqual([]);
    expect((await getDefect(uuid(3))).description).toBe('新的');
    expect(await getDefect(uuid(1))).toBeTruthy();
    expect(await getDefect(uuid(4))).toBeTruthy(); // another project: not this snapshot's business
    expect((await getDefect(uuid(5))).description).toBe('还没同步'); // a pending mutation: kept
    expect((await getDefect(uuid(6)))._pending).toBe(true);
    expect(await getMeta('cursor:1')).toBe('c2.9.1');
    expect(await getMeta('reset:1')).toBeNull();
    // The next, ordinary, pull sweeps nothing.
    await pull(1);
    expect(await getDefect(uuid(1))).toBeTruthy();
  });

  it('a reset interrupted after its first snapshot page still sweeps when the download resumes', async () => {
    await holdBefore();
    vi.stubGlobal(
      'fetch',
      byCursor({
        'c2.5.0': RESET,
        's2.9.1.': { changes: [upsert(1)], cursor: 's2.9.1.p1', more: true },
        's2.9.1.p1': new TypeError('network gone'),
      }),
    );
    await expect(pull(1)).rejects.toBeInstanceOf(OfflineError);
    expect(await getMeta('cursor:1')).toBe('s2.9.1.p1');
    expect(await getMeta('reset:1')).toBeTruthy();
    expect(await getDefect(uuid(2))).toBeTruthy(); // nothing is dropped before the snapshot is complete
    // The page is closed and opened again; meanwhile the inspector edits defect 1, and the edit is pushed.
    await resetDbForTests();
    await record([{ name: 'defect.update', args: { id: uuid(1), fields: { description: '中途修改' } } }]);
    await setMeta('offline_projects', [1]);
    const f = fakeFetch({
      'POST /api/sync/push': applyAll,
      'GET /api/sync/pull': ({ path }) => {
        const cursor = cursorOf(path);
        expect(cursor).toBe('s2.9.1.p1'); // resumed, not restarted
        return { json: { changes: [upsert(3)], cursor: 'c2.9.1', more: false, reset: false } };
      },
    });
    vi.stubGlobal('fetch', f);
    await syncOnce();
    expect(f.calls.map((c) => c.method)).toEqual(['POST', 'GET']);
    expect(await getDefect(uuid(2))).toBeUndefined();
    expect(await getDefect(uuid(5))).toBeUndefined();
    expect(await commentsOf(uuid(2))).toEqual([]);
    const one = await getDefect(uuid(1)); // sent by the first page, before the interruption
    expect(one.description).toBe('中途修改');
    expect(one._pending).toBe(false);
    expect(await getDefect(uuid(3))).toBeTruthy();
    expect(await getDefect(uuid(4))).toBeTruthy();
    expect(await getMeta('reset:1')).toBeNull();
  });

  it('a second reset during the snapshot starts it over; only the last snapshot counts', async () => {
    await holdBefore();
    vi.stubGlobal(
      'fetch',
      byCursor({
        'c2.5.0': RESET,
        's2.9.1.': { changes: [upsert(1)], cursor: 's2.9.1.p1', more: true },
        's2.9.1.p1': { changes: [], cursor: 's2.11.2.', more: true, reset: true },
        's2.11.2.': { changes: [upsert(3)], cursor: 'c2.11.2', more: false },
      }),
    );
    await pull(1);
    expect(await getDefect(uuid(1))).toBeUndefined(); // sent by the first snapshot only
    expect(await getDefect(uuid(3))).toBeTruthy();
    expect(await getDefect(uuid(2))).toBeUndefined();
  });
});

describe('photos', () => {
  const sha = 'cd'.repeat(32);
  const queue = async (size) => {
    const bytes = new Uint8Array(size).fill(7).buffer;
    await record([create(1, { photos: [{ sha256: sha, kind: 'before' }] })], [
      { sha256: sha, mime: 'image/jpeg', size, bytes, defect_id: uuid(1) },
    ]);
  };

  it('small photos go in one PUT and leave the queue', async () => {
    await queue(1000);
    const f = fakeFetch({ [`PUT /api/photos/${sha}`]: () => ({ status: 201, json: { sha256: sha } }) });
    vi.stubGlobal('fetch', f);
    await uploadQueuedPhotos();
    const sent = f.calls.find((c) => c.method === 'PUT'); // (after asking whether the server takes direct uploads)
    expect(sent.init.headers['Content-Type']).toBe('image/jpeg');
    expect(sent.init.body.byteLength).toBe(1000);
    expect(await photoCounts()).toEqual({ pending: 0, failed: 0 });
  });

  it('large photos resume a chunked upload from the offset the server reports', async () => {
    const size = 3 * 1024 * 1024 + 5;
    await queue(size);
    let serverOffset = 0;
    let failOnce = true;
    const f = fakeFetch({
      'POST /api/photos/uploads': () => ({ status: 201, json: { upload_id: 'u1', offset: 0 } }),
      'GET /api/photos/uploads/u1': () => ({ json: { offset: serverOffset } }),
      'PUT /api/photos/uploads/u1': ({ init }) => {
        const at = Number(init.headers['Upload-Offset']);
        expect(at).toBe(serverOffset);
        serverOffset += init.body.byteLength;
        if (serverOffset > 1024 * 1024 && failOnce) {
          failOnce = false;
          return new TypeError('network gone'); // the chunk arrived, the answer did not
        }
        return { json: { offset: serverOffset } };
      },
    });
    vi.stubGlobal('fetch', f);
    await expect(uploadQueuedPhotos()).rejects.toBeInstanceOf(OfflineError);
    expect((await queuedPhotos())[0].upload_id).toBe('u1');
    await uploadQueuedPhotos();
    expect(serverOffset).toBe(size);
    expect(f.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(f.calls.some((c) => c.method === 'GET')).toBe(true);
    expect(await photoCounts()).toEqual({ pending: 0, failed: 0 });
  });

  it('a photo the server refuses is marked with the reason and does not stop the pass', async () => {
    await queue(10);
    vi.stubGlobal(
      'fetch',
      fakeFetch({ [`PUT /api/photos/${sha}`]: () => ({ status: 422, json: { message: '哈希不符 / Hash mismatch' } }) }),
    );
    await uploadQueuedPhotos();
    const [p] = await queuedPhotos();
    expect(p).toMatchObject({ state: 'error', message: '哈希不符 / Hash mismatch' });
  });
});

describe('syncOnce', () => {
  it('pushes, uploads, then pulls every offline project', async () => {
    await setMeta('offline_projects', [1]);
    await record([create(1)]);
    const f = fakeFetch({
      'POST /api/sync/push': applyAll,
      'GET /api/sync/pull': () => ({ json: { changes: [], cursor: 'c1.9', more: false } }),
    });
    vi.stubGlobal('fetch', f);
    const phases = [];
    await syncOnce((p) => phases.push(p.phase));
    expect(f.calls.map((c) => c.method + ' ' + c.path.split('?')[0])).toEqual(['POST /api/sync/push', 'GET /api/sync/pull']);
    expect(phases).toContain('pull');
  });
});
