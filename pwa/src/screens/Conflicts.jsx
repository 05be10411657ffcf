/**
 * Conflicts the server recorded on a defect, in words (store/conflict-words.js): what changed, the change
 * a device asked for ("你的修改", or whose it was) beside the value on the server ("服务器上的值"), who,
 * which device and when (local time), and — for staff — the choice to keep one side. The choice goes to
 * the server (it judges it against the defect as it is now) and the next sync brings the result.
 */
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../i18n/errors.js';
import { getLang, t, when } from '../i18n/index.js';
import { emit } from '../page/bus.js';
import { refs } from '../page/refs.js';
import { describeConflict } from '../store/conflict-words.js';
import { db, getMeta } from '../store/db.js';
import { ApiError, OfflineError, sendJson } from '../sync/api.js';

async function resolveConflict(id, choice) {
  const saved = await sendJson('POST', `/api/sync/conflicts/${id}/resolve`, { choice, note: '' });
  if (saved?.id != null) await (await db()).put('conflicts', saved);
  emit('data');
  return saved;
}

function ConflictCard({ c, app, status, deviceId }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const words = describeConflict(c, {
    t,
    me: app?.session?.user ?? null,
    deviceId,
    status,
    contractorName: (id) => refs.contractors.find((x) => x.id === id)?.name ?? (id == null ? '' : `#${id}`),
    when: (v) => when(v),
  });
  const choose = async (choice) => {
    setBusy(true);
    setError('');
    try {
      await resolveConflict(c.id, choice);
      app?.driver?.trigger('manual');
    } catch (e) {
      if (e instanceof OfflineError) setError(t('needs_connection'));
      else if (e instanceof ApiError) setError(describeError({ code: e.code, message: e.message }, getLang()));
      else setError(String(e?.message ?? e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class={`conflict ${c.status}`} data-conflict={c.id} data-conflict-status={c.status}>
      <p>
        <strong>{words.title}</strong>{' '}
        <span class="badge">{c.status === 'resolved' ? t(`resolution_${c.resolution ?? 'ours'}`) : t('conflict_open')}</span>
      </p>
      <p class="muted small" data-conflict-who>
        {t('conflict_by', { who: words.who })}
        {words.device && ` · ${words.device}`}
        {words.madeAt && ` · ${words.madeAt}`}
      </p>
      <table class="conflict-table">
        <thead>
          <tr>
            <th />
            <th data-side="mine">{words.mineLabel}</th>
            <th data-side="server">{words.serverLabel}</th>
          </tr>
        </thead>
        <tbody>
          {words.rows.map((r) => (
            <tr key={r.field} data-field={r.field}>
              <th>{r.label}</th>
              <td data-side="mine">{r.mine}</td>
              <td data-side="server">{r.server}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {words.note && (
        <p class="small">
          {t('reason')}: {words.note}
        </p>
      )}
      {words.choices.length > 0 && (
        <div class="row">
          {words.choices.includes('theirs') && (
            <button class="primary" data-resolve="theirs" disabled={busy} onClick={() => choose('theirs')}>
              {t('keep_change', { side: words.mineLabel })}
            </button>
          )}
          <button class="secondary" data-resolve="ours" disabled={busy} onClick={() => choose('ours')}>
            {t('keep_server')}
          </button>
        </div>
      )}
      {c.status === 'open' && !words.choices.length && <p class="muted small">{t('conflict_staff_only')}</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function Conflicts({ conflicts, app, status }) {
  const [deviceId, setDeviceId] = useState(null);
  useEffect(() => {
    getMeta('device_id').then(setDeviceId);
  }, []);
  if (!conflicts.length) return null;
  const open = conflicts.filter((c) => c.status === 'open').length;
  return (
    <section class="conflicts card" data-conflicts={conflicts.length} data-open={open}>
      <h3>
        ⚠ {t('conflicts')} ({open}/{conflicts.length})
      </h3>
      {conflicts.map((c) => (
        <ConflictCard key={c.id} c={c} app={app} status={status} deviceId={deviceId} />
      ))}
    </section>
  );
}
