/**
 * 群机器人: the project's group-chat robots (企业微信 / 钉钉) or signed JSON webhooks. A manager pastes the
 * robot's address (and for 钉钉 its 加签 secret), picks which messages go there, sends a test message, and
 * sees how the latest message fared. The generated secret of a JSON webhook is shown once.
 */
import { useEffect, useState } from 'preact/hooks';
import { t, when } from '../i18n/index.js';
import { ALL_KINDS } from '../settings/notify.js';
import { describe } from '../stats/data.js';
import { getJson, request } from '../sync/api.js';

const FORMATS = ['wecom', 'dingtalk', 'json'];
const EMPTY = { url: '', format: 'wecom', secret: '', kinds: [] };

export function Webhooks({ pid, onChanged }) {
  const [hooks, setHooks] = useState(null);
  const [form, setForm] = useState(EMPTY);
  const [message, setMessage] = useState(null);
  const [secret, setSecret] = useState(null);
  const load = async () => {
    try {
      setHooks((await getJson(`/api/projects/${pid}/webhooks`)).filter((h) => h.active));
    } catch (e) {
      setMessage({ ok: false, text: describe(e) });
    }
  };
  useEffect(() => {
    load();
  }, [pid]);

  const call = async (method, path, json) => {
    setMessage(null);
    try {
      const res = await request(path, { method, json });
      return res;
    } catch (e) {
      setMessage({ ok: false, text: describe(e) });
      return null;
    }
  };
  const add = async (e) => {
    e.preventDefault();
    const body = { url: form.url.trim(), format: form.format, kinds: form.kinds };
    if (form.secret.trim()) body.secret = form.secret.trim();
    const res = await call('POST', `/api/projects/${pid}/webhooks`, body);
    if (!res) return;
    setSecret(form.format === 'json' && !body.secret ? res.headers.get('X-Webhook-Secret') : null);
    setForm(EMPTY);
    setMessage({ ok: true, text: t('saved') });
    await load();
    onChanged();
  };
  const remove = async (h) => {
    if (!(await call('DELETE', `/api/projects/${pid}/webhooks/${h.id}`))) return;
    await load();
    onChanged();
  };
  const test = async (h) => {
    if (await call('POST', `/api/projects/${pid}/webhooks/${h.id}/test`)) setMessage({ ok: true, text: t('hook_test_queued') });
    await load();
  };
  const toggleKind = (k) => setForm((f) => ({ ...f, kinds: f.kinds.includes(k) ? f.kinds.filter((x) => x !== k) : [...f.kinds, k] }));

  return (
    <div class="card settings-card" data-editor="webhooks">
      <h3>{t('webhooks')}</h3>
      <p class="muted small">{t('webhooks_hint')}</p>
      {hooks && hooks.length === 0 && <p class="muted">{t('none')}</p>}
      <ul class="queue">
        {(hooks ?? []).map((h) => (
          <li key={h.id} data-webhook={h.id}>
            <strong>{t(`hook_${h.format}`)}</strong>
            <span class="hook-url">{h.url}</span>
            <span class="muted small">{h.kinds.length ? h.kinds.map((k) => t(`kind_${k}`)).join('、') : t('all_kinds')}</span>
            {h.last_status && (
              <span class={`badge ${h.last_status === 'sent' ? 'ok' : h.last_status === 'dead' ? 'err' : 'warn'}`} data-last={h.last_status}>
                {t(`delivery_${h.last_status}`)} {h.last_at ? when(h.last_at) : ''}
              </span>
            )}
            {h.last_error && <span class="error small">{h.last_error}</span>}
            <button class="link" data-action="test-webhook" onClick={() => test(h)}>
              {t('hook_test')}
            </button>
            <button class="link" data-action="remove-webhook" onClick={() => remove(h)}>
              {t('remove')}
            </button>
          </li>
        ))}
      </ul>
      <form class="hook-form" onSubmit={add}>
        <label>
          {t('hook_format')}
          <select name="format" value={form.format} onChange={(e) => setForm({ ...form, format: e.currentTarget.value })}>
            {FORMATS.map((f) => (
              <option value={f} key={f}>
                {t(`hook_${f}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('hook_url')}
          <input name="url" type="url" required maxLength={500} placeholder="https://" value={form.url} onInput={(e) => setForm({ ...form, url: e.currentTarget.value })} />
        </label>
        {form.format !== 'wecom' && (
          <label>
            {t(form.format === 'dingtalk' ? 'hook_secret_dingtalk' : 'hook_secret')}
            <input name="secret" minLength={16} maxLength={128} value={form.secret} onInput={(e) => setForm({ ...form, secret: e.currentTarget.value })} />
          </label>
        )}
        <fieldset>
          <legend>{t('hook_kinds')}</legend>
          <div class="chips">
            {ALL_KINDS.filter((k) => k !== 'digest').map((k) => (
              <button type="button" key={k} class={`chip ${form.kinds.includes(k) ? 'on' : ''}`} data-kind={k} onClick={() => toggleKind(k)}>
                {t(`kind_${k}`)}
              </button>
            ))}
          </div>
          <span class="muted small">{form.kinds.length ? '' : t('all_kinds')}</span>
        </fieldset>
        <button class="primary" data-action="add-webhook">
          {t('add_webhook')}
        </button>
      </form>
      {secret && (
        <p class="notice" data-secret>
          {t('hook_secret_once')} <code>{secret}</code>
        </p>
      )}
      {message && (
        <p class={message.ok ? 'ok-text' : 'error'} role="status">
          {message.text}
        </p>
      )}
    </div>
  );
}
