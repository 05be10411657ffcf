import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fetchPhoto, photoForShowing } from '../src/photo/remote.js';
import { record } from '../src/store/outbox.js';
import { getBlob, hasBlob, photoCounts, putBlob, queuedPhotos } from '../src/store/photos.js';
import { setToken } from '../src/sync/api.js';
import { fetchMissingThumbs, uploadQueuedPhotos } from '../src/sync/photo-upload.js';
import { fakeFetch, freshDb } from './helpers.js';

const sha = 'ef'.repeat(32);
const defectId = 'aaaaaaaa-0000-4000-8000-000000000001';

beforeEach(async () => {
  await freshDb();
  setToken('tok');
});
afterEach(() => vi.unstubAllGlobals());

describe('a photo whose derivatives are still being made', () => {
  const pending = () => ({ status: 202, json: { sha256: sha, derivatives: 'pending' }, headers: { 'Retry-After': '3' } });

  it('shows from the local copy taken on this device, without asking the server', async () => {
    const bytes = new Uint8Array([1, 2, 3]).buffer;
    await putBlob(sha, 'display', { bytes, mime: 'image/jpeg' });
    const f = fakeFetch({ [`GET /api/photos/${sha}`]: pending });
    vi.stubGlobal('fetch', f);
    const shown = await photoForShowing(sha, 'thumb', true);
    expect(shown.pending).toBe(false);
    expect(new Uint8Array(shown.blob.bytes)).toEqual(new Uint8Array([1, 2, 3]));
    expect(f.calls).toHaveLength(0);
  });

  it('from another device: says pending, caches nothing, and shows once the server has it', async () => {
    let ready = false;
    const f = fakeFetch({
      [`GET /api/photos/${sha}`]: () =>
        ready ? { status: 200, json: 'thumb-bytes', headers: { 'Content-Type': 'image/jpeg' } } : pending(),
    });
    vi.stubGlobal('fetch', f);
    expect(await photoForShowing(sha, 'thumb', true)).toEqual({ blob: null, pending: true, retryAfter: 3 });
    expect(await hasBlob(sha, 'thumb')).toBe(false);
    await fetchMissingThumbs([sha]); // a sync pass meanwhile caches nothing either
    expect(await hasBlob(sha, 'thumb')).toBe(false);
    ready = true;
    const shown = await photoForShowing(sha, 'thumb', true);
    expect(shown.pending).toBe(false);
    expect(new TextDecoder().decode(shown.blob.bytes)).toBe('"thumb-bytes"');
    expect(await getBlob(sha, 'thumb')).toBeDefined();
  });

  it('fetchPhoto bounds a hostile Retry-After', async () => {
    vi.stubGlobal('fetch', fakeFetch({ [`GET /api/photos/${sha}`]: () => ({ status: 202, headers: { 'Retry-After': '99999' } }) }));
    expect(await fetchPhoto(sha, 'thumb')).toEqual({ pending: true, retryAfter: 60 });
  });
});

describe('direct upload to S3 in parts', () => {
  const size = 10;
  const bytes = new Uint8Array(Array.from({ length: size }, (_, i) => i)).buffer;
  const queue = () =>
    record([{ name: 'defect.create', args: { id: defectId, unit_id: 10, type_id: 7 }, local: { project_id: 1 } }], [
      { sha256: sha, mime: 'image/jpeg', size, bytes, defect_id: defectId },
    ]);

  function server({ failPart = null } = {}) {
    const received = new Set();
    const s3 = [];
    const f = fakeFetch({
      'GET /api/photos/upload-options': () => ({ json: { direct: true, part_size: 4, max_bytes: 1000 } }),
      'POST /api/photos/multipart-uploads/m1/parts': ({ body }) => ({
        json: {
          urls: body.parts.map((n) => ({ part: n, url: `https://bucket.example/p?part=${n}`, size: Math.min(4, size - (n - 1) * 4) })),
          expires_at: '2030-01-01T00:00:00Z',
        },
      }),
      'POST /api/photos/multipart-uploads/m1/complete': () =>
        received.size === 3 ? { json: { upload_id: null, offset: size, size, photo: { sha256: sha } } } : { status: 409, json: { message: 'parts missing' } },
      'POST /api/photos/multipart-uploads': () => ({
        status: 201,
        json: { upload_id: 'm1', size, part_size: 4, parts: 3, received: [...received].sort(), photo: null },
      }),
      'PUT https://bucket.example/p': ({ path, init }) => {
        const n = Number(new URL(path).searchParams.get('part'));
        if (n === failPart) return new TypeError('network down'); // the connection drops mid-upload
        expect(init.headers).toBeUndefined(); // no bearer token goes to the bucket
        s3.push([n, [...new Uint8Array(init.body)]]);
        received.add(n);
        return { status: 200 };
      },
    });
    return { f, s3, received };
  }

  it('sends the parts straight to the bucket, then has the server verify the photo', async () => {
    await queue();
    const { f, s3 } = server();
    vi.stubGlobal('fetch', f);
    await uploadQueuedPhotos();
    expect(s3).toEqual([
      [1, [0, 1, 2, 3]],
      [2, [4, 5, 6, 7]],
      [3, [8, 9]],
    ]);
    expect(f.calls.some((c) => c.path === `/api/photos/${sha}`)).toBe(false); // no bytes through the app
    expect(await photoCounts()).toEqual({ pending: 0, failed: 0 });
  });

  it('an interrupted upload resumes with the parts the bucket does not have', async () => {
    await queue();
    const first = server({ failPart: 2 });
    vi.stubGlobal('fetch', first.f);
    await expect(uploadQueuedPhotos()).rejects.toThrow('network down');
    expect([...first.received]).toEqual([1]);
    expect((await queuedPhotos())[0]).toMatchObject({ state: 'pending', upload_id: 'm1' });

    // Back online: the server reports part 1 held; only 2 and 3 are sent.
    const again = server();
    again.received.add(1);
    vi.stubGlobal('fetch', again.f);
    await uploadQueuedPhotos();
    expect(again.s3.map(([n]) => n)).toEqual([2, 3]);
    const asked = again.f.calls.find((c) => c.path.endsWith('/parts'));
    expect(asked.body.parts).toEqual([2, 3]);
    expect(await photoCounts()).toEqual({ pending: 0, failed: 0 });
  });
});
