/**
 * 时限设置: per routing category × severity, the response time (接单 / on site) and the fix time; per defect
 * type, its own limits (and whether it climbs the ladder on the fast thresholds); the due-soon window.
 * Managers edit and save; others read.
 */
import { useState } from 'preact/hooks';
import { errorText } from '../i18n/errors.js';
import { getLang, nameOf, t } from '../i18n/index.js';
import { refs } from '../page/refs.js';
import { CATEGORIES, CATEGORY_KEYS, SEVERITIES, checkPolicy, isEmptyBody, policyBody, policyForm } from '../settings/followup.js';
import { describe } from '../stats/data.js';
import { sendJson } from '../sync/api.js';
import { Duration } from './Duration.jsx';

function Problem({ code }) {
  return code ? (
    <span class="field-error" role="alert" data-error={code}>
      {errorText(code, getLang())}
    </span>
  ) : null;
}

export function PolicyEditor({ pid, setup, canEdit, onSaved }) {
  const [form, setForm] = useState(() => policyForm(setup));
  const [version, setVersion] = useState(0); // remounts the inputs after a save or a reset
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(null);
  const [adding, setAdding] = useState('');
  const [busy, setBusy] = useState(false);

  const setCell = (key, part, minutes) =>
    setForm((f) => ({ ...f, cells: { ...f.cells, [key]: { ...f.cells[key], [part]: minutes } } }));
  const setType = (id, patch) => setForm((f) => ({ ...f, types: f.types.map((x) => (x.type_id === id ? { ...x, ...patch } : x)) }));
  const typeName = (id) => nameOf(refs.typeById.get(id)) || `#${id}`;

  const addType = () => {
    const id = Number(adding);
    if (!id || form.types.some((x) => x.type_id === id)) return;
    const type = refs.typeById.get(id);
    const cell = form.cells[`${type?.category ?? '工程质量'}|${type?.default_severity ?? 'B'}`] ?? { response: 1440, fix: 10080 };
    setForm((f) => ({ ...f, types: [...f.types, { type_id: id, response: cell.response, fix: cell.fix, urgent: false }] }));
    setAdding('');
  };

  const save = async () => {
    setMessage(null);
    const found = checkPolicy(form);
    setErrors(found);
    if (Object.keys(found).length) return;
    const body = policyBody(form, setup);
    if (isEmptyBody(body)) {
      setMessage({ ok: true, text: t('nothing_changed') });
      return;
    }
    setBusy(true);
    try {
      const fresh = await sendJson('PUT', `/api/projects/${pid}/followup/policy`, body);
      setForm(policyForm(fresh));
      setVersion((v) => v + 1);
      setMessage({ ok: true, text: t('saved') });
      onSaved(fresh);
    } catch (e) {
      setMessage({ ok: false, text: describe(e) });
    } finally {
      setBusy(false);
    }
  };
  const reset = () => {
    setForm(policyForm(setup));
    setErrors({});
    setMessage(null);
    setVersion((v) => v + 1);
  };

  const typed = new Set(form.types.map((x) => x.type_id));
  return (
    <div class="card settings-card" data-editor="policy" key={version}>
      <h3>{t('time_limits')}</h3>
      <p class="muted small">{t('time_limits_hint')}</p>
      <table class="settings-table">
        <thead>
          <tr>
            <th>{t('category')}</th>
            <th>{t('severity')}</th>
            <th>{t('response_limit')}</th>
            <th>{t('fix_limit')}</th>
          </tr>
        </thead>
        <tbody>
          {CATEGORIES.map((category) =>
            SEVERITIES.map((severity, i) => {
              const key = `${category}|${severity}`;
              const cell = form.cells[key];
              if (!cell) return null;
              return (
                <tr key={key} data-cell={key} class={errors[key] ? 'invalid' : ''}>
                  {i === 0 && <th rowSpan={SEVERITIES.length}>{t(CATEGORY_KEYS[category])}</th>}
                  <td>
                    <span class={`sev sev-${severity}`}>{severity}</span>
                  </td>
                  <td>
                    <Duration id={`${key}|response`} minutes={cell.response} disabled={!canEdit} onChange={(m) => setCell(key, 'response', m)} />
                  </td>
                  <td>
                    <Duration id={`${key}|fix`} minutes={cell.fix} disabled={!canEdit} invalid={!!errors[key]} onChange={(m) => setCell(key, 'fix', m)} />
                    <Problem code={errors[key]} />
                  </td>
                </tr>
              );
            }),
          )}
        </tbody>
      </table>

      <h4>{t('type_limits')}</h4>
      <p class="muted small">{t('type_limits_hint')}</p>
      {form.types.length === 0 && <p class="muted">{t('none')}</p>}
      {form.types.length > 0 && (
        <table class="settings-table">
          <thead>
            <tr>
              <th>{t('defect_type')}</th>
              <th>{t('response_limit')}</th>
              <th>{t('fix_limit')}</th>
              <th>{t('urgent')}</th>
              {canEdit && <th />}
            </tr>
          </thead>
          <tbody>
            {form.types.map((x) => (
              <tr key={x.type_id} data-type-limit={x.type_id}>
                <th>{typeName(x.type_id)}</th>
                <td>
                  <Duration id={`type|${x.type_id}|response`} minutes={x.response} disabled={!canEdit} onChange={(m) => setType(x.type_id, { response: m })} />
                </td>
                <td>
                  <Duration id={`type|${x.type_id}|fix`} minutes={x.fix} disabled={!canEdit} invalid={!!errors[`type|${x.type_id}`]} onChange={(m) => setType(x.type_id, { fix: m })} />
                  <Problem code={errors[`type|${x.type_id}`]} />
                </td>
                <td>
                  <input type="checkbox" name="urgent" disabled={!canEdit} checked={x.urgent} onChange={(e) => setType(x.type_id, { urgent: e.currentTarget.checked })} />
                </td>
                {canEdit && (
                  <td>
                    <button class="link" data-action="remove-type" onClick={() => setForm((f) => ({ ...f, types: f.types.filter((y) => y.type_id !== x.type_id) }))}>
                      {t('remove')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && (
        <p class="row">
          <select name="add-type" value={adding} onChange={(e) => setAdding(e.currentTarget.value)}>
            <option value="">{t('choose_type')}</option>
            {refs.types
              .filter((x) => !typed.has(x.id))
              .map((x) => (
                <option value={x.id} key={x.id}>
                  {nameOf(x)}
                </option>
              ))}
          </select>
          <button class="secondary" data-action="add-type" disabled={!adding} onClick={addType}>
            {t('add_type_limit')}
          </button>
        </p>
      )}

      <label class="inline-label">
        {t('due_soon_window')}
        <span class="row">
          <input
            name="due_soon_hours"
            type="number"
            min="0"
            max="8784"
            step="1"
            disabled={!canEdit}
            value={form.due_soon_hours}
            onInput={(e) => setForm((f) => ({ ...f, due_soon_hours: Number(e.currentTarget.value === '' ? NaN : e.currentTarget.value) }))}
          />
          {t('unit_h')}
        </span>
        <Problem code={errors.due_soon_hours} />
      </label>
      {canEdit && (
        <p class="row">
          <button class="primary big" data-action="save-policy" disabled={busy} onClick={save}>
            {t('save')}
          </button>
          <button class="secondary" data-action="reset-policy" disabled={busy} onClick={reset}>
            {t('reset')}
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
