/**
 * 到场签到 for the homeowner: the open homeowner-facing rounds of their units (工地开放日 / 客户预验收 /
 * 交付陪验) with a check-in button. The QR at the site (or the link #/checkin?batch=<round>) opens it; it
 * needs the network (the staff at the door can check the owner in offline instead).
 */
import { useEffect, useState } from 'preact/hooks';
import { t, when } from '../i18n/index.js';
import { describe } from '../stats/data.js';
import { getJson, OfflineError, sendJson } from '../sync/api.js';

export function OwnerCheckins({ highlight = '', full = false }) {
  const [rows, setRows] = useState(null);
  const [error, setError] = useState('');
  const load = () =>
    getJson('/api/me/checkins').then(
      (r) => setRows(r.checkins),
      (e) => {
        setRows([]);
        if (full) setError(e instanceof OfflineError ? t('checkin_offline') : describe(e));
      },
    );
  useEffect(() => {
    load();
  }, []);
  const checkIn = async (r) => {
    setError('');
    try {
      await sendJson('POST', `/api/inspections/${r.inspection_id}/checkins`, { unit_id: r.unit_id });
      await load();
    } catch (e) {
      setError(e instanceof OfflineError ? t('checkin_offline') : describe(e));
    }
  };
  const open = (rows ?? []).filter((r) => r.status === 'open' || r.checked_in_at || r.inspection_id === highlight);
  if (!full && !open.length) return null;
  return (
    <div class="card owner-checkins" data-checkins={open.length}>
      <h3>{t('checkin_title')}</h3>
      {rows === null && <p class="muted">{t('loading')}</p>}
      <ul>
        {open.map((r) => (
          <li key={`${r.inspection_id}:${r.unit_id}`} data-checkin-round={r.inspection_id} class={r.inspection_id === highlight ? 'on' : ''}>
            <strong>{r.name}</strong> · {r.label}{' '}
            {r.checked_in_at ? (
              <span class="badge ok" data-checked-in="1">
                ✓ {t('checked_in')} {when(r.checked_in_at)}
              </span>
            ) : r.status === 'open' ? (
              <button class="primary" data-action="owner-check-in" onClick={() => checkIn(r)}>
                {t('checkin')}
              </button>
            ) : (
              <span class="muted small">{t('checkin_not_open')}</span>
            )}
          </li>
        ))}
        {rows !== null && !open.length && <li class="muted">{t('checkin_none')}</li>}
      </ul>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

export function CheckIn({ query }) {
  return (
    <section class="owner-home">
      <OwnerCheckins highlight={query?.batch ?? ''} full />
    </section>
  );
}
