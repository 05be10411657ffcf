/** Always visible: what waits to sync and why (sync/summary.js), a progress bar while syncing, failures. */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { on } from '../page/bus.js';
import { go } from '../page/router.js';
import { syncSummary } from '../sync/summary.js';

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
  const errors = counts.rejected + counts.photoErrors;
  const summary = syncSummary(counts, sync, online);
  const vars = summary.state === 'syncing' ? { ...summary.vars, phase: sync.phase ? t(`ph_${sync.phase}`) : '', progress: sync.total ? ` ${sync.done}/${sync.total}` : '' } : summary.vars;
  return (
    <button
      class={`syncbar ${summary.state}`}
      data-sync-state={summary.state}
      data-pending-records={counts.records}
      data-pending-photos={counts.photos}
      data-errors={errors}
      data-open-conflicts={counts.conflicts ?? 0}
      onClick={() => go('/sync')}
    >
      {!online && <span class="badge offline">{t('offline')}</span>}
      <span class="sync-label">{t(summary.key, vars)}</span>
      {errors > 0 && summary.key !== 'bar_failed' && <span class="badge err">{t('errors_n', { n: errors })}</span>}
      {sync.running && (
        <progress class="sync-progress" max={sync.total || 1} value={sync.total ? sync.done : undefined} />
      )}
    </button>
  );
}
