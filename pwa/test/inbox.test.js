import { beforeEach, describe, expect, it } from 'vitest';
import { getMeta } from '../src/store/db.js';
import { setToken } from '../src/sync/api.js';
import { inboxState, markRead, syncInbox } from '../src/sync/inbox.js';
import { fakeFetch, freshDb } from './helpers.js';

const msg = (id, over = {}) => ({ id, kind: 'overdue', title: `m${id}`, body: '', level: 1, read_at: null, created_at: '2026-12-01T08:00:00+00:00', ...over });

describe('inbox', () => {
  beforeEach(async () => {
    await freshDb();
    setToken('t');
  });

  it('keeps messages for offline reading and sends reads made offline on the next sync', async () => {
    let unread = 2;
    globalThis.fetch = fakeFetch({
      'GET /api/inbox/unread-count': () => ({ json: { unread } }),
      'GET /api/inbox': ({ path }) => ({ json: path.includes('after_id=0') ? [msg(2), msg(1)] : [msg(3)] }),
      'POST /api/inbox/read': ({ body }) => {
        unread -= body.ids.length;
        return { json: { unread } };
      },
    });
    await syncInbox();
    expect(await inboxState()).toMatchObject({ unread: 2, messages: [{ id: 2 }, { id: 1 }] });
    await markRead([1]); // offline: local only
    expect((await inboxState()).unread).toBe(1);
    expect(await getMeta('inbox_read')).toEqual([1]);
    unread = 2;
    await syncInbox();
    const read = fetch.calls.find((c) => c.method === 'POST');
    expect(read.body).toEqual({ ids: [1] });
    expect(fetch.calls.at(-2).path).toContain('after_id=2');
    const state = await inboxState();
    expect(state.messages.map((m) => m.id)).toEqual([3, 2, 1]);
    expect(state.messages.find((m) => m.id === 1).read_at).not.toBeNull();
    expect(await getMeta('inbox_read')).toEqual([]);
  });
});
