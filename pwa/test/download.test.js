import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getMeta, setMeta } from '../src/store/db.js';
import { defectsOfProject, getDefect } from '../src/store/defects.js';
import { hasBlob } from '../src/store/photos.js';
import { setToken } from '../src/sync/api.js';
import { downloadProject, photoPlan, storageOf } from '../src/sync/download.js';
import { fakeFetch, freshDb, serverDefect } from './helpers.js';

const uuid = (n) => `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, '0')}`;
const sha = (c) => c.repeat(64);
const defect = (n, over = {}) => ({ kind: 'defect', id: uuid(n), op: 'upsert', data: serverDefect({ id: uuid(n), ...over }) });
const image = () => ({ json: 'jpeg bytes', headers: { 'Content-Type': 'image/jpeg' } }); // 12 bytes

beforeEach(async () => {
  await freshDb();
  setToken('tok');
});
afterEach(() => vi.unstubAllGlobals());

function server(pages) {
  return fakeFetch({
    'GET /api/projects/1/plan-types': () => ({ json: [{ id: 5, plan_sha256: sha('p'), rooms: [] }] }),
    'GET /api/projects/1/': () => ({ json: [] }),
    'GET /api/projects': () => ({ json: [{ id: 1, name: '项目' }] }),
    'GET /api/defect-library': () => ({ json: [] }),
    'GET /api/contractors': () => ({ status: 403, json: { code: 'forbidden', message: 'no' } }),
    'GET /api/sync/pull': ({ path }) => ({ json: pages[new URL(path, 'http://x').searchParams.get('cursor')] }),
    'GET /api/photos/': image,
  });
}

describe('download for offline', () => {
  it('stores what the pull sent, lists nothing again, and reports true progress', async () => {
    const pages = {
      '': { changes: [defect(1, { photos: [{ sha256: sha('a'), kind: 'before' }] })], cursor: 's2.3.0.x', more: true, reset: false, total: 2 },
      's2.3.0.x': { changes: [defect(2)], cursor: 'c2.3.0', more: false, reset: false },
    };
    const f = server(pages);
    vi.stubGlobal('fetch', f);
    const reports = [];
    let usableAt = null;
    await downloadProject(
      1,
      (r) => reports.push(r),
      async () => {
        usableAt = f.calls.length;
        expect(await getMeta('offline_projects')).toEqual([1]); // the project opens before its defects arrive
      },
    );
    expect(f.calls.some((c) => c.path.startsWith('/api/defects'))).toBe(false); // no second listing
    expect(f.calls.slice(0, usableAt).some((c) => c.path.startsWith('/api/sync/pull'))).toBe(false);
    expect((await defectsOfProject(1)).map((d) => d.id).sort()).toEqual([uuid(1), uuid(2)]);
    const defects = reports.filter((r) => r.step === 'defects');
    expect(defects.map((r) => [r.done, r.total])).toEqual([
      [0, null],
      [1, 2],
      [2, 2],
    ]);
    expect(await hasBlob(sha('p'), 'display')).toBe(true); // the floor plan
    expect(await hasBlob(sha('a'), 'thumb')).toBe(true);
    expect(await hasBlob(sha('a'), 'display')).toBe(false); // an inspector needs thumbnails only
    expect(await getMeta('cursor:1')).toBe('c2.3.0');
    expect(await getMeta('ready:1')).toBeTruthy();
    expect((await storageOf(1)).photoBytes).toBe(12); // one thumbnail (the plan is reference, not photos)
  });

  it('a crew keeps the before-photos of its open work at display size, within the budget', async () => {
    await setMeta('session', { token: 'tok', user: { id: 9, role: 'crew', contractor_id: 4 } });
    const mine = { contractor_id: 4, status: 'assigned' };
    const pages = {
      '': {
        changes: [
          defect(1, { ...mine, photos: [{ sha256: sha('a'), kind: 'before' }, { sha256: sha('b'), kind: 'after' }] }),
          defect(2, { contractor_id: 4, status: 'closed', photos: [{ sha256: sha('c'), kind: 'before' }] }),
        ],
        cursor: 'c2.3.0',
        more: false,
        reset: false,
        total: 2,
      },
    };
    vi.stubGlobal('fetch', server(pages));
    await downloadProject(1);
    expect(await hasBlob(sha('a'), 'display')).toBe(true);
    expect(await hasBlob(sha('b'), 'display')).toBe(false); // an after-photo
    expect(await hasBlob(sha('c'), 'display')).toBe(false); // closed work
    for (const s of 'abc') expect(await hasBlob(sha(s), 'thumb')).toBe(true);
    expect(await getDefect(uuid(2))).toBeTruthy();
  });

  it('stops fetching photos at the budget and says how many it left', async () => {
    await setMeta('photo_budget', 20);
    const photos = ['a', 'b', 'c', 'd'].map((c) => ({ sha256: sha(c), kind: 'before' }));
    const pages = { '': { changes: [defect(1, { photos })], cursor: 'c2.3.0', more: false, reset: false, total: 1 } };
    vi.stubGlobal('fetch', server(pages));
    const reports = [];
    await downloadProject(1, (r) => reports.push(r));
    const kept = [];
    for (const c of 'abcd') if (await hasBlob(sha(c), 'thumb')) kept.push(c);
    const done = reports.at(-1);
    expect(done.step).toBe('done');
    expect(kept.length).toBeLessThan(4);
    expect(done.skipped).toBe(4 - kept.length);
    expect(await storageOf(1)).toMatchObject({ photoBytes: kept.length * 12, budget: 20 });
  });

  it('plans photos by role: thumbnails for everyone, display size only for a crew’s own open work', () => {
    const photos = [
      { sha256: 'x', kind: 'before', contractor_id: 4, status: 'assigned' },
      { sha256: 'x', kind: 'before', contractor_id: 4, status: 'assigned' },
      { sha256: 'y', kind: 'before', contractor_id: 5, status: 'assigned' },
    ];
    expect(photoPlan(photos, { role: 'inspector' })).toEqual({ thumbs: [{ sha: 'x', size: 'thumb' }, { sha: 'y', size: 'thumb' }], display: [] });
    expect(photoPlan(photos, { role: 'crew', contractor_id: 4 }).display).toEqual([{ sha: 'x', size: 'display' }]);
  });
});
