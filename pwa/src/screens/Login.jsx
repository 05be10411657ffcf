import { useState } from 'preact/hooks';
import { getLang, setLang, t } from '../i18n/index.js';
import { emit } from '../page/bus.js';
import { OfflineError } from '../sync/api.js';
import { login } from '../sync/session.js';

export function Login({ app }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await app.onLogin(await login(username.trim(), password));
    } catch (err) {
      setError(err instanceof OfflineError ? t('login_offline') : err.message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="login card" onSubmit={submit}>
      <h1>
        {t('app_name')} · {t('login_title')}
      </h1>
      <label>
        {t('username')}
        <input name="username" autocomplete="username" value={username} onInput={(e) => setUsername(e.target.value)} required />
      </label>
      <label>
        {t('password')}
        <input
          name="password"
          type="password"
          autocomplete="current-password"
          value={password}
          onInput={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button class="primary big" type="submit" disabled={busy}>
        {busy ? t('logging_in') : t('login')}
      </button>
      <a class="link" href="#/join" data-action="join">
        {t('have_invite')}
      </a>
      <button
        type="button"
        class="link"
        onClick={() => {
          setLang(getLang() === 'zh' ? 'en' : 'zh');
          emit('lang', getLang());
          setError('');
        }}
      >
        {t('language')}
      </button>
    </form>
  );
}
