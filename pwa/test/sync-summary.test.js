import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../src/i18n/messages.js';
import { syncSummary } from '../src/sync/summary.js';

const clean = { records: 0, photos: 0, annotations: 0, rejected: 0, photoErrors: 0, conflicts: 0 };
const synced = { lastSyncAt: '2026-12-01T03:00:00Z' };

describe('the sync bar', () => {
  it('says all synced only after a pass reached the server with nothing waiting, failed or in conflict', () => {
    expect(syncSummary(clean, synced, true)).toMatchObject({ state: 'ok', key: 'synced' });
    expect(syncSummary(clean, {}, true).state).toBe('unknown'); // never reached the server yet
  });

  it.each([
    ['offline', { ...clean, records: 2 }, synced, false, 'offline', 'bar_offline_waiting'],
    ['offline, nothing waiting', clean, synced, false, 'offline', 'bar_offline'],
    ['server stopped', clean, { ...synced, offline: true, error: 'Failed to fetch' }, true, 'unreachable', 'bar_unreachable'],
    ['server stopped, work waiting', { ...clean, photos: 3 }, { ...synced, offline: true }, true, 'unreachable', 'bar_unreachable_waiting'],
    ['server error', clean, { ...synced, error: 'boom' }, true, 'failed', 'bar_sync_error'],
    ['refused mutations', { ...clean, rejected: 1 }, synced, true, 'failed', 'bar_failed'],
    ['failed photo', { ...clean, photoErrors: 1 }, synced, true, 'failed', 'bar_failed'],
    ['open conflicts', { ...clean, conflicts: 2 }, synced, true, 'conflict', 'bar_conflicts'],
    ['waiting', { ...clean, annotations: 1 }, synced, true, 'waiting', 'bar_waiting'],
  ])('%s: never "all synced"', (_, counts, sync, online, state, key) => {
    const s = syncSummary(counts, sync, online);
    expect(s).toMatchObject({ state, key });
    expect(s.key).not.toBe('synced');
  });

  it('says how many wait and failed, in both languages', () => {
    const s = syncSummary({ ...clean, records: 2, photos: 1, rejected: 1 }, { ...synced, offline: true }, true);
    expect(s.vars).toMatchObject({ n: 3, failed: 1 });
    for (const key of ['bar_offline', 'bar_offline_waiting', 'bar_unreachable', 'bar_unreachable_waiting', 'bar_sync_error', 'bar_failed', 'bar_conflicts', 'bar_waiting', 'bar_not_checked', 'syncing_phase']) {
      expect(MESSAGES.zh[key], key).toBeTruthy();
      expect(MESSAGES.en[key], key).toBeTruthy();
    }
    expect(MESSAGES.zh.bar_offline_waiting.replace('{n}', '3')).toContain('3 项待同步');
  });
});
