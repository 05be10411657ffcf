/** Always visible: what waits to sync (records, photos), a progress bar while syncing, errors, offline. */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { on } from '../page/bus.js';
import { go } from '../page/router.js';

export function useSyncState(app) {
  const [counts, setCounts] = useState(app.counts);
  const [sync, setSync] = useState(app.driver?.state ?? {});
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const offs = [on('counts', setCounts), on('sync', setSync)];
    const up = () => setOnline(navigator.onLine);
    window.addEventListener('online', up);
    window.addEventListener('offline', up);
    return () => {
      offs.forEach((f) => f());
      window.removeEventListener('online', up);
      window.removeEventListener('offline', up);
    };
  }, []);
  return { counts, sync, online };
}

export function SyncBar({ app }) {
  const { counts, sync, online } = useSyncState(app);
  const waiting = counts.records + counts.photos + counts.annotations;
  const errors = counts.rejected + counts.photoErrors;
  let label;
  let cls;
  if (sync.running) {
    cls = 'syncing';
    label = `${t('syncing')}: ${t(`ph_${sync.phase}`)}${sync.total ? ` ${sync.done}/${sync.total}` : ''}`;
  } else if (waiting > 0) {
    cls = 'waiting';
    label = t('waiting', { records: counts.records, photos: counts.photos });
  } else {
    cls = 'ok';
    label = t('synced');
  }
  return (
    <button
      class={`syncbar ${cls}`}
      data-sync-state={cls}
      data-pending-records={counts.records}
      data-pending-photos={counts.photos}
      data-errors={errors}
      onClick={() => go('/sync')}
    >
      {!online && <span class="badge offline">{t('offline')}</span>}
      <span class="sync-label">{label}</span>
      {errors > 0 && <span class="badge err">{t('errors_n', { n: errors })}</span>}
      {sync.running && (
        <progress class="sync-progress" max={sync.total || 1} value={sync.total ? sync.done : undefined} />
      )}
    </button>
  );
}
