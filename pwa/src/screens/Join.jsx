/** 业主注册: the screen the invitation letter's QR code opens (#/join?code=…). The code is prefilled; the
 * owner chooses a username and password and lands on their unit. */
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { go } from '../page/router.js';
import { OfflineError } from '../sync/api.js';
import { join } from '../sync/session.js';

export function Join({ app, query }) {
  const [form, setForm] = useState({ code: query?.code ?? '', username: '', password: '', display_name: '', phone: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const set = (k) => (e) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const s = await join({ ...form, code: form.code.trim(), username: form.username.trim() });
      await app.onLogin(s);
      go('/', { replace: true }); // the owner's project, to download for their unit
    } catch (err) {
      setError(err instanceof OfflineError ? t('login_offline') : err.message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="login card" onSubmit={submit} data-screen="join">
      <h1>{t('join_title')}</h1>
      <label>
        {t('invite_code')}
        <input name="code" value={form.code} onInput={set('code')} required minLength={4} maxLength={40} />
      </label>
      <label>
        {t('display_name')}
        <input name="display_name" value={form.display_name} onInput={set('display_name')} required maxLength={80} />
      </label>
      <label>
        {t('phone')}
        <input name="phone" type="tel" value={form.phone} onInput={set('phone')} maxLength={40} />
      </label>
      <label>
        {t('username')}
        <input
          name="username"
          autocomplete="username"
          value={form.username}
          onInput={set('username')}
          required
          pattern="[A-Za-z0-9_.\-]{3,80}"
        />
      </label>
      <label>
        {t('password')} <span class="muted small">{t('join_password_hint')}</span>
        <input
          name="password"
          type="password"
          autocomplete="new-password"
          value={form.password}
          onInput={set('password')}
          required
          minLength={8}
          maxLength={200}
        />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button class="primary big" type="submit" disabled={busy}>
        {t('join_submit')}
      </button>
      <button type="button" class="link" onClick={() => go('/login')}>
        {t('login')}
      </button>
    </form>
  );
}
