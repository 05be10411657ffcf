import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OfflineError } from '../src/sync/api.js';
import { BACKOFF_MAX_MS, BACKOFF_MIN_MS, INTERVAL_MS, SyncDriver, backoffDelay } from '../src/sync/driver.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('backoff', () => {
  it('doubles from the minimum up to the cap', () => {
    const mid = () => 0.5;
    expect(backoffDelay(1, mid)).toBe(BACKOFF_MIN_MS);
    expect(backoffDelay(2, mid)).toBe(BACKOFF_MIN_MS * 2);
    expect(backoffDelay(30, mid)).toBe(BACKOFF_MAX_MS);
  });
});

describe('SyncDriver', () => {
  it('runs one pass at a time and runs again if asked during a pass', async () => {
    let resolve;
    const run = vi.fn(() => new Promise((r) => (resolve = r)));
    const d = new SyncDriver({ run, online: () => true, locks: null });
    const first = d.trigger('start');
    d.trigger('saved');
    d.trigger('online');
    expect(run).toHaveBeenCalledTimes(1);
    resolve();
    await vi.waitFor(() => expect(run).toHaveBeenCalledTimes(2));
    resolve();
    await first;
    expect(run).toHaveBeenCalledTimes(2);
    d.stop();
  });

  it('offline: backs off exponentially; success resets to the regular interval', async () => {
    let fail = true;
    const run = vi.fn(async () => {
      if (fail) throw new OfflineError('down');
    });
    const d = new SyncDriver({ run, online: () => true, locks: null, random: () => 0.5 });
    await d.trigger('start');
    expect(d.state.failures).toBe(1);
    await vi.advanceTimersByTimeAsync(BACKOFF_MIN_MS + 1);
    expect(run).toHaveBeenCalledTimes(2);
    expect(d.state.failures).toBe(2);
    fail = false;
    await vi.advanceTimersByTimeAsync(BACKOFF_MIN_MS * 2 + 1);
    expect(run).toHaveBeenCalledTimes(3);
    expect(d.state.failures).toBe(0);
    await vi.advanceTimersByTimeAsync(INTERVAL_MS - 1000);
    expect(run).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(2000);
    expect(run).toHaveBeenCalledTimes(4);
    d.stop();
  });

  it('does not try while the browser says it is offline', async () => {
    const run = vi.fn();
    const d = new SyncDriver({ run, online: () => false, locks: null });
    await d.trigger('start');
    expect(run).not.toHaveBeenCalled();
    expect(d.state.offline).toBe(true);
    d.stop();
  });
});

describe('SyncDriver listeners', () => {
  it('removes its service-worker listener on stop(), so after a re-login only the new driver answers', async () => {
    const sw = new EventTarget();
    vi.stubGlobal('window', new EventTarget());
    vi.stubGlobal('document', Object.assign(new EventTarget(), { visibilityState: 'visible' }));
    vi.stubGlobal('navigator', { onLine: true, serviceWorker: sw });
    try {
      const first = vi.fn(async () => {});
      const second = vi.fn(async () => {});
      const a = new SyncDriver({ run: first, online: () => true, locks: null });
      a.start();
      await vi.waitFor(() => expect(first).toHaveBeenCalledTimes(1));
      a.stop();
      const b = new SyncDriver({ run: second, online: () => true, locks: null });
      b.start();
      await vi.waitFor(() => expect(second).toHaveBeenCalledTimes(1));
      sw.dispatchEvent(new MessageEvent('message', { data: { type: 'sync' } }));
      await vi.waitFor(() => expect(second).toHaveBeenCalledTimes(2));
      window.dispatchEvent(new Event('online'));
      await vi.waitFor(() => expect(second).toHaveBeenCalledTimes(3));
      expect(first).toHaveBeenCalledTimes(1); // the stopped driver heard neither
      b.stop();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
