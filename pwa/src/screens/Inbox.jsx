/** 收件箱: dispatches, due-soon warnings, escalations, re-check results and digests, readable offline. */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { emit, on } from '../page/bus.js';
import { go } from '../page/router.js';
import { inboxState, markRead } from '../sync/inbox.js';

export function InboxBadge() {
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    const load = async () => setUnread((await inboxState()).unread);
    load();
    return on('inbox', load);
  }, []);
  return (
    <button class="icon-btn inbox-btn" data-inbox-badge={unread} aria-label={t('inbox')} onClick={() => go('/inbox')}>
      ✉{unread > 0 && <span class="badge">{unread > 99 ? '99+' : unread}</span>}
    </button>
  );
}

export function Inbox() {
  const [state, setState] = useState(null);
  const load = async () => setState(await inboxState());
  useEffect(() => {
    load();
    return on('inbox', load);
  }, []);
  if (!state) return null;
  const read = async (ids) => {
    await markRead(ids);
    await load();
    emit('inbox');
  };
  const open = async (m) => {
    await read([m.id]);
    if (m.defect_id) go(`/d/${m.defect_id}`);
  };
  return (
    <section class="inbox">
      <h2>
        {t('inbox')} <span class="muted small">{t('unread_n', { n: state.unread })}</span>
      </h2>
      <button class="link" data-go="notify-settings" onClick={() => go('/settings/notifications')}>
        {t('notify_settings')}
      </button>
      {state.messages.some((m) => !m.read_at) && (
        <button class="secondary" data-action="read-all" onClick={() => read(state.messages.map((m) => m.id))}>
          {t('mark_all_read')}
        </button>
      )}
      {state.messages.length === 0 && <p class="empty">{t('inbox_empty')}</p>}
      <ul class="inbox-list">
        {state.messages.map((m) => (
          <li key={m.id} class={m.read_at ? 'read' : 'unread'} data-message={m.kind}>
            <button class="link" onClick={() => open(m)}>
              <strong>{m.title}</strong>
              {m.level ? <span class="badge warn">L{m.level}</span> : null}{' '}
              <span class="muted small">{String(m.created_at).slice(0, 16).replace('T', ' ')}</span>
              {m.body && <div class="small pre">{m.body}</div>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
