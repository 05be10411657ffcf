/**
 * 通知设置 (/settings/notifications): each user's own choice, per kind of message that can reach them, of
 * the in-app inbox and e-mail; the e-mail address; the daily digest (crews); quiet hours, during which
 * e-mail waits. Needs the server (the choice lives there, where messages are sent from).
 */
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../i18n/errors.js';
import { getLang, t } from '../i18n/index.js';
import { refs } from '../page/refs.js';
import { go } from '../page/router.js';
import { checkNotify, notifyBody, notifyForm } from '../settings/notify.js';
import { describe } from '../stats/data.js';
import { getJson, sendJson } from '../sync/api.js';

export function NotifySettings({ app }) {
  const manages = ['admin', 'manager'].includes(app?.session?.user?.role);
  const [form, setForm] = useState(null);
  const [errors, setErrors] = useState({});
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    getJson('/api/me/notifications')
      .then((s) => setForm(notifyForm(s)))
      .catch((e) => setMessage({ ok: false, text: describe(e) }));
  }, []);
  if (!form) return message ? <p class="empty error">{message.text}</p> : <p class="empty">{t('loading')}</p>;
  const toggle = (channel, kind) => setForm((f) => ({ ...f, [channel]: { ...f[channel], [kind]: !f[channel][kind] } }));
  const save = async (e) => {
    e.preventDefault();
    setMessage(null);
    const found = checkNotify(form);
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      setForm(notifyForm(await sendJson('PUT', '/api/me/notifications', notifyBody(form))));
      setMessage({ ok: true, text: t('saved') });
    } catch (err) {
      setMessage({ ok: false, text: describe(err) });
    } finally {
      setBusy(false);
    }
  };
  const problem = (code) =>
    code && (
      <span class="field-error" role="alert" data-error={code}>
        {errorText(code, getLang())}
      </span>
    );
  return (
    <form class="notify-settings card settings-card" data-ready="notify-settings" onSubmit={save}>
      <h2>{t('notify_settings')}</h2>
      <label>
        {t('email_address')}
        <input
          name="email"
          type="email"
          maxLength={254}
          autoComplete="email"
          aria-invalid={errors.email ? 'true' : undefined}
          value={form.email}
          onInput={(e) => setForm({ ...form, email: e.currentTarget.value })}
        />
        {problem(errors.email)}
      </label>
      <table class="settings-table">
        <thead>
          <tr>
            <th>{t('message_kind')}</th>
            <th>{t('channel_inbox')}</th>
            <th>{t('channel_email')}</th>
          </tr>
        </thead>
        <tbody>
          {form.kinds.map((k) => (
            <tr key={k} data-kind-row={k}>
              <th>
                {t(`kind_${k}`)}
                {k === 'digest' && <div class="muted small">{t('digest_hint')}</div>}
              </th>
              <td>
                <input type="checkbox" name={`inbox-${k}`} checked={form.inbox[k]} onChange={() => toggle('inbox', k)} />
              </td>
              <td>
                <input type="checkbox" name={`email-${k}`} checked={form.mail[k]} onChange={() => toggle('mail', k)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <fieldset>
        <legend>
          <label class="inline-label">
            <input type="checkbox" name="quiet" checked={form.quiet} onChange={() => setForm({ ...form, quiet: !form.quiet })} />
            {t('quiet_hours')}
          </label>
        </legend>
        <p class="muted small">{t('quiet_hours_hint')}</p>
        {form.quiet && (
          <span class="row">
            <input name="quiet_start" type="time" value={form.quiet_start} onInput={(e) => setForm({ ...form, quiet_start: e.currentTarget.value })} />
            –
            <input name="quiet_end" type="time" value={form.quiet_end} onInput={(e) => setForm({ ...form, quiet_end: e.currentTarget.value })} />
          </span>
        )}
        {problem(errors.quiet)}
      </fieldset>
      {manages && refs.projects.length > 0 && (
        <div class="group-robots">
          <p class="muted small">{t('group_robots_where')}</p>
          {refs.projects.map((p) => (
            <button type="button" class="link" key={p.id} data-go="followup" onClick={() => go(`/p/${p.id}/followup`)}>
              {t('webhooks')} · {p.name}
            </button>
          ))}
        </div>
      )}
      <button class="primary big" data-action="save-notify" disabled={busy}>
        {t('save')}
      </button>
      {message && (
        <p class={message.ok ? 'ok-text' : 'error'} role="status" data-result={message.ok ? 'saved' : 'error'}>
          {message.text}
        </p>
      )}
    </form>
  );
}
