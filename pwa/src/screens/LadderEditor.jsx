/**
 * 分级预警: the escalation ladder. Each level is reached some time past a missed deadline (sooner for
 * A-grade defects and urgent types) and notifies the contractor's crew, the project's managers or the
 * regional head. Managers add, change and remove levels; others read.
 */
import { useState } from 'preact/hooks';
import { errorText } from '../i18n/errors.js';
import { getLang, t } from '../i18n/index.js';
import { MAX_LEVELS, NOTIFY_TARGETS, checkLadder, ladderBody, ladderForm, nextStep } from '../settings/followup.js';
import { describe } from '../stats/data.js';
import { sendJson } from '../sync/api.js';
import { Duration } from './Duration.jsx';

const HOURS = ['h', 'd'];

export function LadderEditor({ pid, setup, canEdit, onSaved }) {
  const [steps, setSteps] = useState(() => ladderForm(setup));
  const [version, setVersion] = useState(0);
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (i, patch) => setSteps((all) => all.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const hours = (m) => (Number.isFinite(m) && m % 60 === 0 ? m / 60 : NaN);

  const save = async () => {
    setMessage(null);
    const found = checkLadder(steps);
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const fresh = await sendJson('PUT', `/api/projects/${pid}/followup/ladder`, ladderBody(steps));
      setSteps(ladderForm(fresh));
      setVersion((v) => v + 1);
      setMessage({ ok: true, text: t('saved') });
      onSaved(fresh);
    } catch (e) {
      setMessage({ ok: false, text: describe(e) });
    } finally {
      setBusy(false);
    }
  };
  const codes = [...new Set(Object.values(errors))];
  return (
    <div class="card settings-card" data-editor="ladder" key={version}>
      <h3>{t('ladder')}</h3>
      <p class="muted small">{t('ladder_hint')}</p>
      <table class="settings-table">
        <thead>
          <tr>
            <th>{t('level')}</th>
            <th>{t('after_deadline')}</th>
            <th>{t('after_deadline_urgent')}</th>
            <th>{t('notifies')}</th>
            {canEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {steps.map((s, i) => (
            <tr key={i} data-level={i + 1}>
              <th>L{i + 1}</th>
              {['after_hours', 'urgent_after_hours'].map((f) => (
                <td key={f} class={errors[`${i + 1}|${f}`] ? 'invalid' : ''}>
                  <Duration
                    id={`${i + 1}|${f}`}
                    minutes={s[f] * 60}
                    units={HOURS}
                    disabled={!canEdit}
                    invalid={!!errors[`${i + 1}|${f}`]}
                    onChange={(m) => set(i, { [f]: hours(m) })}
                  />
                </td>
              ))}
              <td>
                <select name="notify" disabled={!canEdit} value={s.notify} onChange={(e) => set(i, { notify: e.currentTarget.value })}>
                  {NOTIFY_TARGETS.map((n) => (
                    <option value={n} key={n}>
                      {t(`notify_${n}`)}
                    </option>
                  ))}
                </select>
              </td>
              {canEdit && (
                <td>
                  {i === steps.length - 1 && steps.length > 1 && (
                    <button class="link" data-action="remove-level" onClick={() => setSteps((all) => all.slice(0, -1))}>
                      {t('remove')}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {codes.map((c) => (
        <p class="field-error" role="alert" key={c} data-error={c}>
          {errorText(c, getLang())}
        </p>
      ))}
      {canEdit && (
        <p class="row">
          <button class="secondary" data-action="add-level" disabled={steps.length >= MAX_LEVELS} onClick={() => setSteps((all) => [...all, nextStep(all)])}>
            {t('add_level')}
          </button>
          <button class="primary big" data-action="save-ladder" disabled={busy} onClick={save}>
            {t('save')}
          </button>
        </p>
      )}
      {message && (
        <p class={message.ok ? 'ok-text' : 'error'} role="status" data-result={message.ok ? 'saved' : 'error'}>
          {message.text}
        </p>
      )}
    </div>
  );
}
