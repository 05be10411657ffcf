import { beforeEach, describe, expect, it } from 'vitest';
import { localAnnotation, queueReadyAnnotations, saveAnnotation, waitingAnnotations } from '../src/store/annotations.js';
import { allMutations, nextBatch, record, settle } from '../src/store/outbox.js';
import { photoUploaded } from '../src/store/photos.js';
import { freshDb } from './helpers.js';

const SHA = 'cd'.repeat(32);
const ARROW = { type: 'arrow', x0: 0.1, y0: 0.1, x1: 0.5, y1: 0.5, color: '#FF0000' };

beforeEach(freshDb);

describe('photo mark-up through the outbox', () => {
  it('queues photo.annotate at once when the server has the photo, with the base it started from', async () => {
    expect(await saveAnnotation(SHA, [ARROW], '0000000000001:00000:server')).toBe(1);
    const [m] = await nextBatch();
    expect(m).toMatchObject({ name: 'photo.annotate', defect_id: null, state: 'pending' });
    expect(m.args).toEqual({ sha256: SHA, shapes: [ARROW], base: '0000000000001:00000:server' });
    expect((await localAnnotation(SHA)).state).toBe('queued');
    expect(await waitingAnnotations()).toEqual([]);
  });

  it('waits while its photo is still uploading, then goes through the outbox', async () => {
    const bytes = new Uint8Array([1]).buffer;
    await record([], [{ sha256: SHA, mime: 'image/jpeg', size: 1, bytes, defect_id: null }]);
    expect(await saveAnnotation(SHA, [ARROW])).toBe(0);
    expect((await waitingAnnotations()).map((a) => a.sha256)).toEqual([SHA]);
    expect(await allMutations()).toEqual([]);
    await photoUploaded(SHA);
    expect(await queueReadyAnnotations()).toBe(1);
    expect((await allMutations()).map((m) => m.name)).toEqual(['photo.annotate']);
  });

  it('settles: applied keeps the version clock as the next base; rejected keeps the reason and code', async () => {
    await saveAnnotation(SHA, [ARROW]);
    const [m] = await nextBatch();
    await settle([m], { results: [{ seq: m.seq, status: 'applied', message: '', conflict_id: null }], hlc: m.hlc });
    expect(await allMutations()).toEqual([]);
    expect(await localAnnotation(SHA)).toMatchObject({ state: 'synced', base: m.hlc });
    await saveAnnotation(SHA, []);
    const [m2] = await nextBatch();
    expect(m2.args.base).toBe(m.hlc);
    await settle([m2], { results: [{ seq: m2.seq, status: 'rejected', message: 'x / y', code: 'not_found' }] });
    const [kept] = await allMutations();
    expect(kept).toMatchObject({ state: 'rejected', code: 'not_found' });
  });
});
