/** Everything waiting to sync, item by item: the server's reason for each refusal, with retry and discard. */
import { useEffect, useState } from 'preact/hooks';
import { nameOf, t, when } from '../i18n/index.js';
import { discardUpload, retryUpload } from '../page/actions.js';
import { on } from '../page/bus.js';
import { refs } from '../page/refs.js';
import { go } from '../page/router.js';
import { getDefect } from '../store/defects.js';
import { allMutations } from '../store/outbox.js';
import { queuedPhotos } from '../store/photos.js';
import { defectNo } from '../store/numbers.js';
import { useSyncState } from './SyncBar.jsx';
import { Confirm } from './Confirm.jsx';
import { RefusalActions, refusalText } from './RefusalActions.jsx';

/** What a queued change is about, in words: the defect's type, the photo, the signed unit or the checklist. */
function subject(m, d) {
  if (m.defect_id != null) return d ? `${defectNo(d, t)} ${nameOf(refs.typeById.get(d.type_id))}` : m.defect_id.slice(0, 8);
  if (m.name === 'walkthrough.sign') return t('walkthrough');
  if (m.name === 'checklist.result') return t('checklist');
  if (m.name === 'checkin.record') return `${t('checkin')} · ${refs.unitById.get(m.args.unit_id)?.label ?? m.args.unit_id}`;
  return m.args?.sha256 ? m.args.sha256.slice(0, 8) : m.name;
}

export function SyncPanel({ app }) {
  const { sync } = useSyncState(app);
  const [items, setItems] = useState({ mutations: [], photos: [], defects: new Map() });
  const [msg, setMsg] = useState('');
  useEffect(() => {
    const load = async () => {
      const mutations = (await allMutations()).sort((a, b) => a.seq - b.seq);
      const defects = new Map();
      for (const m of mutations) {
        if (m.defect_id != null && !defects.has(m.defect_id)) defects.set(m.defect_id, await getDefect(m.defect_id));
      }
      setItems({ mutations, photos: await queuedPhotos(), defects });
    };
    load();
    return on('data', load);
  }, []);
  return (
    <section class="sync-panel">
      <h2>{t('sync')}</h2>
      <div class="row">
        <button class="primary big" data-action="sync-now" disabled={sync.running} onClick={() => app.driver?.trigger('manual')}>
          {t('sync_now')}
        </button>
        {sync.lastSyncAt && <span class="muted">{t('last_sync', { t: when(sync.lastSyncAt, true) })}</span>}
        {sync.error && <span class="error">{sync.error}</span>}
      </div>
      <h3>{t('outbox')}</h3>
      {items.mutations.length === 0 && <p class="muted">{t('nothing_waiting')}</p>}
      <ul class="queue">
        {items.mutations.map((m) => {
          const d = items.defects.get(m.defect_id);
          return (
            <li key={m.seq} class={m.state} data-seq={m.seq} data-state={m.state}>
              <button class="link" onClick={() => d && go(`/d/${m.defect_id}`)}>
                {t(`m_${m.name.split('.')[1]}`)} ·{' '}
                {subject(m, d)}
              </button>
              {m.state === 'rejected' ? (
                <>
                  <span class="error reason">
                    {t('rejected')}: {refusalText(m)}
                  </span>
                  <RefusalActions seq={m.seq} code={m.code} />
                </>
              ) : (
                <span class="muted">{t('unsynced')}</span>
              )}
            </li>
          );
        })}
      </ul>
      <h3>{t('photo_queue')}</h3>
      {items.photos.length === 0 && <p class="muted">{t('nothing_waiting')}</p>}
      <ul class="queue">
        {items.photos.map((p) => (
          <li key={p.sha256} class={p.state} data-photo={p.sha256}>
            <span>
              {p.sha256.slice(0, 10)}… {Math.round(p.size / 1024)} KB
            </span>
            {p.state === 'error' ? (
              <>
                <span class="error reason">{p.message}</span>
                <button class="secondary" onClick={() => retryUpload(p.sha256)}>
                  {t('retry')}
                </button>
                <Confirm name="discard-photo" label={t('discard')} question={t('confirm_discard_photo')} onConfirm={() => discardUpload(p.sha256)} />
              </>
            ) : (
              <span class="muted">{p.upload_id ? `${Math.round((100 * p.offset) / p.size)}%` : t('unsynced')}</span>
            )}
          </li>
        ))}
      </ul>
      <p>
        <button
          class="secondary big"
          data-action="logout"
          onClick={async () => {
            if (!(await app.logout())) setMsg(t('logout_blocked'));
          }}
        >
          {t('logout')}
        </button>
        {msg && <span class="error">{msg}</span>}
      </p>
    </section>
  );
}
