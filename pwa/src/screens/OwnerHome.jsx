/**
 * 我的房屋: the homeowner's own screen, phone-sized. Each item of their unit with its progress in plain
 * words, before and after photos and the deadline; they confirm a repair or dispute it with a reason, and
 * rate the follow-up visit (回访) once every item is closed. Only the actions the rule table gives a
 * homeowner are offered (domain/rules.json).
 */
import { useEffect, useState } from 'preact/hooks';
import { nameOf, t } from '../i18n/index.js';
import { changeStatus } from '../page/actions.js';
import { on } from '../page/bus.js';
import { refs, roomName } from '../page/refs.js';
import { go } from '../page/router.js';
import { actionsFrom } from '../store/apply.js';
import { defectsOfUnit } from '../store/defects.js';
import { defectNo } from '../store/numbers.js';
import { OwnerCheckins } from './CheckIn.jsx';
import { Photo } from './Photo.jsx';
import { Projects } from './Projects.jsx';

const PROGRESS = { open: 'own_todo', assigned: 'own_doing', fixed: 'own_confirm', closed: 'own_done', visited: 'own_done' };

export function OwnerHome({ app }) {
  const units = [...refs.unitById.values()];
  if (!units.length) {
    return (
      <>
        <p class="notice">{t('own_download_first')}</p>
        <Projects app={app} />
      </>
    );
  }
  return (
    <section class="owner-home">
      <OwnerCheckins />
      {units.map((u) => (
        <OwnerUnit key={u.id} unit={u} role={app.session?.user?.role} />
      ))}
    </section>
  );
}

function OwnerUnit({ unit, role }) {
  const [items, setItems] = useState([]);
  const [disputing, setDisputing] = useState(null);
  const [reason, setReason] = useState('');
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  useEffect(() => {
    const load = async () => setItems((await defectsOfUnit(unit.id)).filter((d) => d.status !== 'void'));
    load();
    return on('data', load);
  }, [unit.id]);
  const allClosed = items.length > 0 && items.every((d) => d.status === 'closed' || d.status === 'visited');
  const toRate = items.filter((d) => d.status === 'closed');
  const rate = async () => {
    for (const d of toRate) await changeStatus(d, 'visit', { satisfaction: rating, note: comment.trim().slice(0, 2000) });
    setRating(0);
  };
  const dispute = async (d) => {
    await changeStatus(d, 'dispute', { note: reason.trim().slice(0, 2000) });
    setDisputing(null);
    setReason('');
  };
  return (
    <div class="owner-unit" data-unit={unit.id}>
      <h2>{unit.label || unit.number}</h2>
      <p class="muted small" data-progress>
        {t('own_summary', { done: items.filter((d) => PROGRESS[d.status] === 'own_done').length, n: items.length })}
      </p>
      <ul class="owner-items">
        {items.map((d) => {
          const actions = actionsFrom(d.status, role);
          const before = (d.photos || []).find((p) => p.kind !== 'after');
          const after = (d.photos || []).find((p) => p.kind === 'after');
          return (
            <li key={d.id} class="owner-item" data-defect={d.id} data-status={d.status}>
              <div class="owner-photos">
                {before ? <Photo sha256={before.sha256} class="thumb" /> : <span class="thumb none" />}
                {after && <Photo sha256={after.sha256} class="thumb" />}
              </div>
              <div class="owner-text">
                <strong><span class="defect-no" data-no>{defectNo(d, t)}</span> {nameOf(refs.typeById.get(d.type_id))}</strong> · {roomName(unit, d.room_id) || '—'}
                {d.owner_raised && <span class="badge owner">{t('own_raised')}</span>}
                <div class={`progress-word ${PROGRESS[d.status]}`} data-progress-word={PROGRESS[d.status]}>
                  {t(PROGRESS[d.status] ?? 'own_todo')}
                </div>
                {d.due_date && d.status !== 'closed' && d.status !== 'visited' && (
                  <div class="muted small">{t('own_due', { d: d.due_date })}</div>
                )}
                <div class="owner-actions">
                  {actions.includes('confirm') && (
                    <button class="primary" data-action="confirm" onClick={() => changeStatus(d, 'confirm')}>
                      {t('own_confirm_btn')}
                    </button>
                  )}
                  {actions.includes('dispute') && disputing !== d.id && (
                    <button class="secondary" data-action="dispute" onClick={() => setDisputing(d.id)}>
                      {t('own_dispute_btn')}
                    </button>
                  )}
                  <button class="link" onClick={() => go(`/d/${d.id}`)}>
                    {t('own_details')}
                  </button>
                </div>
                {disputing === d.id && (
                  <div class="dispute-form">
                    <textarea
                      name="dispute_reason"
                      maxLength={2000}
                      placeholder={t('own_dispute_hint')}
                      value={reason}
                      onInput={(e) => setReason(e.target.value)}
                    />
                    <button class="primary" data-action="send-dispute" disabled={!reason.trim()} onClick={() => dispute(d)}>
                      {t('own_dispute_send')}
                    </button>
                    <button class="link" onClick={() => setDisputing(null)}>
                      {t('cancel')}
                    </button>
                  </div>
                )}
              </div>
            </li>
          );
        })}
        {!items.length && <li class="muted">{t('own_no_items')}</li>}
      </ul>
      {allClosed && toRate.length > 0 && actionsFrom('closed', role).includes('visit') && (
        <div class="rating card" data-rating>
          <h3>{t('own_rate_title')}</h3>
          <div class="stars" role="radiogroup" aria-label={t('own_rate_title')}>
            {[1, 2, 3, 4, 5].map((n) => (
              <button
                key={n}
                class={n <= rating ? 'star on' : 'star'}
                role="radio"
                aria-checked={n === rating}
                data-star={n}
                onClick={() => setRating(n)}
              >
                ★
              </button>
            ))}
          </div>
          <textarea name="rating_comment" maxLength={2000} placeholder={t('own_rate_comment')} value={comment} onInput={(e) => setComment(e.target.value)} />
          <button class="primary big" data-action="rate" disabled={!rating} onClick={rate}>
            {t('own_rate_send')}
          </button>
        </div>
      )}
    </div>
  );
}
