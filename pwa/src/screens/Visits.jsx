/**
 * 回访队列: units whose owner has not rated the repairs within the project's time (default 7 days after the
 * last item closed), due for a phone 回访 (电话回访). The manager calls the owner (the number is a tap away)
 * and records the score and remark; they become the follow-up visit of each closed item, queued like any
 * change (so it also works offline) and counted as "by phone" in the statistics.
 */
import { useEffect, useState } from 'preact/hooks';
import { getLang, t, when } from '../i18n/index.js';
import { recordPhoneVisit } from '../page/actions.js';
import { on } from '../page/bus.js';
import { cachedJson } from '../stats/data.js';

export function Visits({ params }) {
  const pid = Number(params[0]);
  const [state, setState] = useState(null);
  const [done, setDone] = useState({});
  useEffect(() => {
    const load = () => cachedJson(`/api/projects/${pid}/visits/due`).then(setState);
    load();
    return on('sync', (s) => !s.running && load());
  }, [pid]);
  if (!state) return <p class="empty">{t('loading')}</p>;
  if (!state.data) return <p class="empty err">{state.error}</p>;
  const units = state.data.units.filter((u) => !done[u.unit_id]);
  return (
    <section class="visits" data-visits={units.length}>
      <h2>{t('visits_title')}</h2>
      <p class="muted small">
        {t('visits_hint', { n: state.data.timeout_days })}
        {state.offline && state.fetchedAt && ` · ${t('offline_as_of', { t: when(state.fetchedAt) })}`}
      </p>
      <ul class="visit-queue">
        {units.map((u) => (
          <VisitUnit key={u.unit_id} unit={u} onDone={() => setDone({ ...done, [u.unit_id]: true })} />
        ))}
        {!units.length && <li class="muted">{t('visits_none')}</li>}
      </ul>
    </section>
  );
}

function VisitUnit({ unit, onDone }) {
  const [rating, setRating] = useState(0);
  const [remark, setRemark] = useState('');
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    await recordPhoneVisit(unit.items, rating, remark);
    onDone();
  };
  const zh = getLang() === 'zh';
  return (
    <li class="card visit-unit" data-unit={unit.unit_id}>
      <h3>
        {unit.label} <span class="badge warn">{t('visits_waiting', { n: unit.days_waiting })}</span>
      </h3>
      <p>
        {unit.owners.length
          ? unit.owners.map((o) => (
              <span key={o.user_id} class="owner-contact">
                {o.name}{' '}
                {o.phone && (
                  <a href={`tel:${o.phone}`} data-phone={o.phone}>
                    ☎ {o.phone}
                  </a>
                )}
              </span>
            ))
          : t('no_owner_yet')}
      </p>
      <ul class="muted small">
        {unit.items.map((i) => (
          <li key={i.id} data-defect={i.id}>
            {zh ? i.type_zh : i.type_en} {i.room && `· ${i.room}`} · {t('closed_on', { d: (i.closed_at || '').slice(0, 10) })}
          </li>
        ))}
      </ul>
      <div class="stars" role="radiogroup" aria-label={t('satisfaction')}>
        {[1, 2, 3, 4, 5].map((n) => (
          <button key={n} class={n <= rating ? 'star on' : 'star'} role="radio" aria-checked={n === rating} data-star={n} onClick={() => setRating(n)}>
            ★
          </button>
        ))}
      </div>
      <textarea name="visit_remark" maxLength={2000} placeholder={t('visits_remark')} value={remark} onInput={(e) => setRemark(e.target.value)} />
      <button class="primary" data-action="record-visit" disabled={!rating || busy} onClick={save}>
        {t('visits_record')}
      </button>
    </li>
  );
}
