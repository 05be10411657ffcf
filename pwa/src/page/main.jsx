/** Page entry: open the local data, show the app, then register the service worker and start syncing. */
import { render } from 'preact';
import { getLang, setLang } from '../i18n/index.js';
import { getMeta, setMeta } from '../store/db.js';
import { openConflictCount } from '../store/defects.js';
import { outboxCounts } from '../store/outbox.js';
import { photoCounts } from '../store/photos.js';
import { setUnauthorizedHandler } from '../sync/api.js';
import { syncOnce } from '../sync/client.js';
import { SyncDriver } from '../sync/driver.js';
import { waitingAnnotations } from '../store/annotations.js';
import { syncInbox } from '../sync/inbox.js';
import { ensureDevice, loadSession, logout, persistStorage, refreshMe } from '../sync/session.js';
import { setSyncTrigger } from './actions.js';
import { App } from './App.jsx';
import { emit, on } from './bus.js';
import { loadRefs, reloadRounds } from './refs.js';
import { go } from './router.js';
import { activateWaiting, checkForUpdate, registerServiceWorker, updateWaiting } from './sw-update.js';
import './styles.css';

const app = {
  session: null,
  driver: null,
  counts: { records: 0, rejected: 0, photos: 0, photoErrors: 0, annotations: 0, conflicts: 0 },
  notice: null,
};

app.refreshCounts = async () => {
  const [o, p, a, conflicts] = await Promise.all([outboxCounts(), photoCounts(), waitingAnnotations(), openConflictCount()]);
  app.counts = { records: o.pending, rejected: o.rejected, photos: p.pending, photoErrors: p.failed, annotations: a.length, conflicts };
  emit('counts', app.counts);
  maybeUpdate();
  return app.counts;
};

app.unsynced = () => {
  const c = app.counts;
  return c.records + c.rejected + c.photos + c.photoErrors + c.annotations;
};

function maybeUpdate() {
  if (updateWaiting() && app.unsynced() === 0 && !app.driver?.state.running) activateWaiting();
}

app.startSync = () => {
  if (app.driver) return;
  app.driver = new SyncDriver({
    // Every sync cycle also fetches the inbox; a failure there never fails the pass (fetched again next time).
    run: async (report) => {
      const result = await syncOnce(report);
      if (await syncInbox().then(() => true, () => false)) emit('inbox');
      return result;
    },
    onChange: (state) => {
      emit('sync', state);
      if (!state.running) {
        reloadRounds().then(() => emit('data'));
        app.refreshCounts();
      }
    },
  });
  setSyncTrigger(() => app.driver.trigger('saved'));
  app.driver.start();
};

app.onLogin = async (session) => {
  app.session = session;
  await loadRefs();
  await app.refreshCounts();
  emit('session', session);
  app.startSync();
  go('/', { replace: true });
};

app.logout = async () => {
  await app.refreshCounts();
  if (app.unsynced() > 0) return false;
  app.driver?.stop();
  app.driver = null;
  await logout();
  app.session = null;
  emit('session', null);
  return true;
};

app.reloadRefs = async () => {
  await loadRefs();
  emit('data');
};

async function boot() {
  setLang(getLang());
  await ensureDevice();
  app.session = await loadSession();
  await loadRefs();
  await app.refreshCounts();
  on('data', () => app.refreshCounts());
  setUnauthorizedHandler(() => {
    // The token was revoked or expired: keep all local work, ask for a new login.
    app.session = null;
    emit('session', null);
  });
  const root = document.getElementById('app');
  root.textContent = '';
  render(<App app={app} />, root);
  document.body.dataset.booted = '1';
  if (app.session) {
    app.startSync();
    if (navigator.onLine) refreshMe(app.session).then((s) => (app.session = s)).catch(() => {});
  }
  registerServiceWorker({
    onUpdateWaiting: () => {
      app.notice = { kind: 'update', key: 'update_ready' };
      emit('notice', app.notice);
      maybeUpdate();
    },
  }).catch((e) => console.warn('service worker not registered', e));
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && checkForUpdate());
  if (!(await persistStorage()) && !(await getMeta('persist_warned'))) {
    await setMeta('persist_warned', true);
    app.notice = app.notice ?? { kind: 'warn', key: 'storage_not_persistent' };
    emit('notice', app.notice);
  }
}

boot();
