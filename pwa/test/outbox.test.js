import { beforeEach, describe, expect, it } from 'vitest';
import { applyChanges, getDefect } from '../src/store/defects.js';
import { getMeta } from '../src/store/db.js';
import { allMutations, discard, nextBatch, outboxCounts, record, retry, settle } from '../src/store/outbox.js';
import { photoCounts } from '../src/store/photos.js';
import { freshDb, serverDefect } from './helpers.js';

const ID = 'aaaaaaaa-0000-4000-8000-000000000001';
const create = (over = {}) => ({
  name: 'defect.create',
  args: { id: ID, unit_id: 10, type_id: 7, severity: 'A', description: 'crack', ...over },
  local: { project_id: 1, user_id: 2 },
});

beforeEach(freshDb);

describe('outbox', () => {
  it('numbers mutations with strictly increasing seqs and increasing HLCs', async () => {
    await record([create(), { name: 'defect.update', args: { id: ID, fields: { description: 'x' } } }]);
    await record([{ name: 'defect.status', args: { id: ID, action: 'void', from: 'open' } }]);
    const all = (await allMutations()).sort((a, b) => a.seq - b.seq);
    expect(all.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect([...all.map((m) => m.hlc)].sort()).toEqual(all.map((m) => m.hlc));
    expect(all[0].hlc.endsWith(':11111111-2222-4333-8444-555555555555')).toBe(true);
    expect(await getMeta('next_seq')).toBe(3);
  });

  it('shows a saved defect at once, with its photos queued', async () => {
    const bytes = new Uint8Array([1, 2, 3]).buffer;
    await record([create({ photos: [{ sha256: 'ab'.repeat(32), kind: 'before' }] })], [
      { sha256: 'ab'.repeat(32), mime: 'image/jpeg', size: 3, bytes, defect_id: ID },
    ]);
    const d = await getDefect(ID);
    expect(d).toMatchObject({ status: 'open', severity: 'A', project_id: 1, _pending: true, _base: null });
    expect(d.photos).toEqual([{ sha256: 'ab'.repeat(32), kind: 'before' }]);
    expect(await photoCounts()).toEqual({ pending: 1, failed: 0 });
  });

  it('settles applied mutations and keeps the server copy as the base', async () => {
    const [m] = await record([create()]);
    await settle([m], {
      results: [{ seq: m.seq, status: 'applied', defect: serverDefect({ severity: 'A', description: 'crack' }) }],
      hlc: '9999999999999:00000:server',
    });
    expect(await outboxCounts()).toEqual({ pending: 0, rejected: 0 });
    const d = await getDefect(ID);
    expect(d._pending).toBe(false);
    expect(d._base.description).toBe('crack');
    // the server's clock is observed: the next local stamp sorts after it
    const [next] = await record([{ name: 'defect.update', args: { id: ID, fields: { description: 'y' } } }]);
    expect(next.hlc > '9999999999999:00000:server').toBe(true);
  });

  it('keeps a rejected mutation with its reason, skips it in later batches, retries with a new seq', async () => {
    const [a, b] = await record([create(), create({ id: 'bbbbbbbb-0000-4000-8000-000000000002', unit_id: 99 })]);
    await settle([a, b], {
      results: [
        { seq: a.seq, status: 'applied' },
        { seq: b.seq, status: 'rejected', message: '房号不存在 / No such unit' },
      ],
    });
    expect(await outboxCounts()).toEqual({ pending: 0, rejected: 1 });
    expect(await nextBatch()).toEqual([]);
    const bad = await getDefect('bbbbbbbb-0000-4000-8000-000000000002');
    expect(bad._error).toBe('房号不存在 / No such unit');
    await retry(b.seq);
    const [again] = await nextBatch();
    expect(again.seq).toBe(3);
    expect(again.args.unit_id).toBe(99);
  });

  it('discarding a rejected create removes the local-only defect', async () => {
    const [m] = await record([create()]);
    await settle([m], { results: [{ seq: m.seq, status: 'rejected', message: 'no' }] });
    await discard(m.seq);
    expect(await getDefect(ID)).toBeUndefined();
    expect(await outboxCounts()).toEqual({ pending: 0, rejected: 0 });
  });

  it('rebases pending edits on top of newer server state from a pull', async () => {
    await applyChanges([{ kind: 'defect', id: ID, op: 'upsert', data: serverDefect() }]);
    await record([{ name: 'defect.update', args: { id: ID, fields: { description: 'mine' } } }]);
    await applyChanges([
      { kind: 'defect', id: ID, op: 'upsert', data: serverDefect({ status: 'assigned', contractor_id: 4 }) },
    ]);
    const d = await getDefect(ID);
    expect(d).toMatchObject({ status: 'assigned', contractor_id: 4, description: 'mine', _pending: true });
    expect(d._base.description).toBe('server text');
  });

  it('an evicted defect disappears unless it still has local work', async () => {
    await applyChanges([{ kind: 'defect', id: ID, op: 'upsert', data: serverDefect() }]);
    await applyChanges([{ kind: 'defect', id: ID, op: 'evict', data: null }]);
    expect(await getDefect(ID)).toBeUndefined();
  });

  it('stores conflicts and comments from the pull, indexed by defect', async () => {
    await applyChanges([
      { kind: 'defect', id: ID, op: 'upsert', data: serverDefect() },
      {
        kind: 'conflict',
        id: '5',
        op: 'upsert',
        data: { id: 5, defect_id: ID, kind: 'stale', message: 'm', ours: { status: 'closed' }, theirs: { action: 'fix' }, status: 'open' },
      },
      { kind: 'comment', id: 'cccccccc-0000-4000-8000-000000000003', op: 'upsert', data: { defect_id: ID, body: 'hi' } },
    ]);
    const { conflictsOf, commentsOf } = await import('../src/store/defects.js');
    expect((await conflictsOf(ID)).map((c) => c.id)).toEqual([5]);
    expect((await commentsOf(ID)).map((c) => c.body)).toEqual(['hi']);
  });
});
