/** Conflicts the server recorded on a defect, with both sides (this device's and the server's). */
import { t } from '../i18n/index.js';

function Side({ title, value }) {
  const rows = value && typeof value === 'object' ? Object.entries(value) : [['', value]];
  return (
    <div class="conflict-side">
      <h4>{title}</h4>
      <dl>
        {rows.map(([k, v]) => (
          <>
            {k && <dt>{k}</dt>}
            <dd>{typeof v === 'object' ? JSON.stringify(v) : String(v ?? '—')}</dd>
          </>
        ))}
      </dl>
    </div>
  );
}

export function Conflicts({ conflicts }) {
  if (!conflicts.length) return null;
  return (
    <section class="conflicts card" data-conflicts={conflicts.length}>
      <h3>
        ⚠ {t('conflicts')} ({conflicts.length})
      </h3>
      {conflicts.map((c) => (
        <div class={`conflict ${c.status}`} key={c.id} data-conflict={c.id}>
          <p>
            <strong>{c.kind}</strong> · {c.message}{' '}
            <span class="badge">{c.status === 'resolved' ? t('conflict_resolved') : t('conflict_open')}</span>
          </p>
          <div class="conflict-sides">
            <Side title={t('conflict_ours')} value={c.ours} />
            <Side title={t('conflict_theirs')} value={c.theirs} />
          </div>
        </div>
      ))}
    </section>
  );
}
