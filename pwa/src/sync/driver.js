/**
 * When to sync. Driven from the page — on start, when the network comes back, when the app becomes
 * visible, on a timer, and right after the inspector saves — with exponential backoff after failures.
 * Background Sync (where the browser has it) only pokes the page; nothing depends on it.
 * Web Locks keep two open tabs from syncing at the same time.
 */
import { OfflineError } from './api.js';
import { syncOnce } from './client.js';

export const INTERVAL_MS = 60_000;
export const BACKOFF_MIN_MS = 2_000;
export const BACKOFF_MAX_MS = 5 * 60_000;

export function backoffDelay(failures, random = Math.random) {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.75 + 0.5 * random()));
}

export class SyncDriver {
  constructor({ run = syncOnce, online = () => navigator.onLine, onChange = () => {}, locks, random = Math.random } = {}) {
    this.random = random;
    this.run = run;
    this.online = online;
    this.onChange = onChange;
    this.locks = locks === undefined ? globalThis.navigator?.locks : locks;
    this.state = { running: false, phase: null, done: 0, total: 0, error: null, lastSyncAt: null, failures: 0 };
    this.again = false;
    this.timer = null;
    this.listeners = [];
  }

  set(patch) {
    this.state = { ...this.state, ...patch };
    this.onChange(this.state);
  }

  /** Listen to the page's events and sync now. */
  start() {
    const on = (target, type, fn) => {
      target.addEventListener(type, fn);
      this.listeners.push(() => target.removeEventListener(type, fn));
    };
    on(window, 'online', () => this.trigger('online'));
    on(document, 'visibilitychange', () => document.visibilityState === 'visible' && this.trigger('visible'));
    // Background Sync only pokes the page through the service worker; removed on stop() like the rest, so
    // a driver started after a re-login is the only one that answers.
    const sw = globalThis.navigator?.serviceWorker;
    if (sw?.addEventListener) on(sw, 'message', (e) => e.data?.type === 'sync' && this.trigger('bg-sync'));
    this.trigger('start');
  }

  stop() {
    for (const off of this.listeners) off();
    this.listeners = [];
    clearTimeout(this.timer);
    this.timer = null;
  }

  schedule(ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.trigger('timer'), ms);
  }

  /** Sync now, or right after the pass that is running. Resolves when this request has been served. */
  async trigger(reason = 'manual') {
    if (this.state.running) {
      this.again = true;
      return;
    }
    if (!this.online()) {
      this.set({ error: null, offline: true });
      this.schedule(INTERVAL_MS);
      return;
    }
    this.set({ running: true, phase: 'push', done: 0, total: 0, offline: false, reason });
    try {
      const pass = () => this.run((p) => this.set({ phase: p.phase, done: p.done ?? 0, total: p.total ?? 0 }));
      if (this.locks?.request) await this.locks.request('yanshou-sync', pass);
      else await pass();
      this.set({ running: false, phase: null, error: null, failures: 0, lastSyncAt: new Date().toISOString() });
      this.schedule(INTERVAL_MS);
    } catch (e) {
      const failures = this.state.failures + 1;
      const offline = e instanceof OfflineError;
      this.set({ running: false, phase: null, error: String(e?.message ?? e), failures, offline });
      this.schedule(backoffDelay(failures, this.random));
      if (!offline) console.error('sync failed', e);
    }
    if (this.again) {
      this.again = false;
      await this.trigger('again');
    }
  }
}
