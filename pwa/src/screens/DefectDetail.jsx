/** One defect: its fields, photos (add, remove, mark up), status actions, comments, conflicts, sync errors. */
import { useEffect, useState } from 'preact/hooks';
import { nameOf, t } from '../i18n/index.js';
import { addComment, addPhotos, changeStatus, removePhoto } from '../page/actions.js';
import { on } from '../page/bus.js';
import { refs, roomName } from '../page/refs.js';
import { go } from '../page/router.js';
import { actionsFrom, mayOpen } from '../store/apply.js';
import { commentsOf, conflictsOf, getDefect } from '../store/defects.js';
import { suspectsOf, suspectsOfDefect } from '../store/duplicates.js';
import { allMutations } from '../store/outbox.js';
import { Conflicts } from './Conflicts.jsx';
import { SyncMark } from './DefectList.jsx';
import { Photo } from './Photo.jsx';
import { PhotoInput } from './PhotoInput.jsx';
import { RefusalActions, refusalText } from './RefusalActions.jsx';

function StatusAction({ defect, action, onDone }) {
  const [open, setOpen] = useState(false);
  const [contractor, setContractor] = useState('');
  const [due, setDue] = useState('');
  const [satisfaction, setSatisfaction] = useState('5');
  const [note, setNote] = useState('');
  const needsForm = action === 'assign' || action === 'visit' || action === 'reject';
  // A fix counts only with an after-photo (the server refuses it otherwise): say so instead of offering it.
  if (action === 'fix' && !hasAfterPhoto(defect)) {
    return (
      <button class="secondary big" data-status-action="fix" disabled title={t('fix_needs_after_photo')}>
        {t('act_fix')} · {t('fix_needs_after_photo')}
      </button>
    );
  }
  const run = async () => {
    const extra = {};
    if (action === 'reject') {
      if (!note.trim()) return;
      extra.note = note.trim();
    }
    if (action === 'assign') Object.assign(extra, { contractor_id: contractor ? Number(contractor) : null, due_date: due });
    if (action === 'visit') extra.satisfaction = Number(satisfaction);
    await changeStatus(defect, action, extra);
    setOpen(false);
    onDone();
  };
  if (!needsForm || !open) {
    return (
      <button class="secondary big" data-status-action={action} onClick={() => (needsForm ? setOpen(true) : run())}>
        {t(`act_${action}`)}
      </button>
    );
  }
  return (
    <span class="inline-form">
      {action === 'assign' && (
        <>
          <select name="contractor" value={contractor} onChange={(e) => setContractor(e.target.value)}>
            <option value="">{t('contractor')}</option>
            {refs.contractors.map((c) => (
              <option value={c.id} key={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <input type="date" name="due_date" value={due} onInput={(e) => setDue(e.target.value)} />
        </>
      )}
      {action === 'reject' && (
        <input name="reason" required maxLength={2000} placeholder={t('reject_reason')} value={note} onInput={(e) => setNote(e.target.value)} />
      )}
      {action === 'visit' && (
        <select name="satisfaction" value={satisfaction} onChange={(e) => setSatisfaction(e.target.value)}>
          {[5, 4, 3, 2, 1].map((n) => (
            <option value={n} key={n}>
              {t('satisfaction')} {n}
            </option>
          ))}
        </select>
      )}
      <button class="primary big" onClick={run}>
        {t(`act_${action}`)}
      </button>
    </span>
  );
}

export function hasAfterPhoto(d) {
  return (d.photos ?? []).some((p) => p.kind === 'after');
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }) : '—';
}

/** Deadlines (时限) and the escalation level, with what is late marked. */
export function Deadlines({ d, now = Date.now() }) {
  if (!d.fix_due_at && !d.response_due_at) return null;
  const late = (iso) => d.status === 'assigned' && iso && Date.parse(iso) < now;
  return (
    <>
      <dt>{t('response_due')}</dt>
      <dd class={!d.accepted_at && late(d.response_due_at) ? 'warn' : ''} data-field="response_due_at">
        {d.accepted_at ? `${t('accepted')} ${when(d.accepted_at)}` : when(d.response_due_at)}
      </dd>
      <dt>{t('fix_due')}</dt>
      <dd class={late(d.fix_due_at) ? 'warn' : ''} data-field="fix_due_at">
        {when(d.fix_due_at)}
      </dd>
      {d.escalation_level > 0 && (
        <>
          <dt>{t('escalation_level')}</dt>
          <dd class="warn" data-field="escalation_level">
            L{d.escalation_level}
          </dd>
        </>
      )}
    </>
  );
}

/** 疑似重复: the server suspects this defect and another are one problem logged twice (staff who merge). */
function SuspectBadge({ d }) {
  const [n, setN] = useState(0);
  useEffect(() => {
    const load = async () => setN(d.project_id ? suspectsOfDefect(await suspectsOf(d.project_id), d.id).length : 0);
    load();
    return on('data', load);
  }, [d.id, d.project_id]);
  if (!n) return null;
  return (
    <button class="badge dup-badge link" data-suspected={n} onClick={() => go(`/p/${d.project_id}/duplicates`)}>
      {t('dup_badge')}
    </button>
  );
}

export function DefectDetail({ app, params }) {
  const id = params[0];
  const [state, setState] = useState(null);
  const load = async () => {
    const defect = await getDefect(id);
    const mutations = (await allMutations()).filter((m) => m.defect_id === id);
    setState({ defect, comments: await commentsOf(id), conflicts: await conflictsOf(id), mutations });
  };
  useEffect(() => {
    load();
    return on('data', load);
  }, [id]);
  const [comment, setComment] = useState('');
  if (!state) return null;
  const { defect: d, comments, conflicts, mutations } = state;
  if (!d) return <p class="empty">{t('not_found')}</p>;
  const unit = refs.unitById.get(d.unit_id);
  const type = refs.typeById.get(d.type_id);
  const contractor = refs.contractors.find((c) => c.id === d.contractor_id);
  const rejected = mutations.filter((m) => m.state === 'rejected');
  return (
    <section class="defect-detail" data-defect-detail={d.id}>
      <h2>
        {nameOf(type) || `#${d.type_id}`} <span class={`sev sev-${d.severity}`}>{d.severity}</span>{' '}
        <span class={`status st-${d.status}`} data-status={d.status}>
          {t(`st_${d.status}`)}
        </span>{' '}
        <SyncMark d={d} /> {mayOpen('duplicates', app?.session?.user?.role) && <SuspectBadge d={d} />}
      </h2>
      {rejected.map((m) => (
        <div class="notice notice-error" key={m.seq} data-rejected={m.seq}>
          <span>
            {t(`m_${m.name.split('.')[1]}`)} · {t('rejected')}: <span class="reason">{refusalText(m)}</span>
          </span>
          <RefusalActions seq={m.seq} code={m.code} />
        </div>
      ))}
      <Conflicts conflicts={conflicts} />
      <dl class="facts">
        <dt>{t('room')}</dt>
        <dd>
          {unit?.label} {roomName(unit, d.room_id)}
        </dd>
        <dt>{t('description')}</dt>
        <dd data-field="description">{d.description || '—'}</dd>
        {contractor && (
          <>
            <dt>{t('contractor')}</dt>
            <dd>{contractor.name}</dd>
          </>
        )}
        {d.due_date && !d.fix_due_at && (
          <>
            <dt>{t('due_date')}</dt>
            <dd>{d.due_date}</dd>
          </>
        )}
        <Deadlines d={d} />
        {d.repeat_count > 0 && <dd class="warn">{t('repeat_count', { n: d.repeat_count })}</dd>}
        {d.satisfaction && (
          <>
            <dt>{t('satisfaction')}</dt>
            <dd>{d.satisfaction}/5</dd>
          </>
        )}
      </dl>
      <h3>{t('photos')}</h3>
      <div class="photo-strip">
        {d.photos.map((p) => (
          <span class="photo-cell" key={p.sha256}>
            <button class="photo-open" onClick={() => go(`/d/${d.id}/photo/${p.sha256}`)} title={t('annotate')}>
              <Photo sha256={p.sha256} size="thumb" />
            </button>
            <span class="photo-kind">{p.kind === 'after' ? '✓' : ''}</span>
            <button class="remove" aria-label={t('delete')} onClick={() => removePhoto(d, p.sha256)}>
              ×
            </button>
          </span>
        ))}
      </div>
      <PhotoInput onPhoto={(p) => addPhotos(d, [p], d.status === 'assigned' ? 'after' : 'before')} />
      <h3>{t('comments')}</h3>
      <ul class="comments">
        {comments.map((c) => (
          <li key={c.id}>
            {c.body} <span class="muted small">{String(c.created_at).slice(0, 16).replace('T', ' ')}</span>
            {c._pending && <span class="badge warn">{t('unsynced')}</span>}
          </li>
        ))}
      </ul>
      <form
        class="comment-form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!comment.trim()) return;
          await addComment(d, comment.trim());
          setComment('');
        }}
      >
        <input name="comment" placeholder={t('add_comment')} value={comment} onInput={(e) => setComment(e.target.value)} />
        <button class="secondary big">{t('send')}</button>
      </form>
      <footer class="actionbar">
        <button class="secondary big" data-action="edit" onClick={() => go(`/d/${d.id}/edit`)}>
          {t('edit_defect')}
        </button>
        {actionsFrom(d.status, app.session?.user?.role).map((a) => (
          <StatusAction key={a} defect={d} action={a} onDone={load} />
        ))}
      </footer>
    </section>
  );
}
