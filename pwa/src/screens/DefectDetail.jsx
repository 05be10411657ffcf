/** One defect: its fields, photos (add, remove, mark up), status actions, comments, conflicts, sync errors. */
import { useEffect, useState } from 'preact/hooks';
import { day, nameOf, t, when } from '../i18n/index.js';
import { addComment, addPhotos, changeStatus, removePhoto } from '../page/actions.js';
import { on } from '../page/bus.js';
import { refs, roomName } from '../page/refs.js';
import { go } from '../page/router.js';
import { MUTATION_ROLES, actionsFrom, mayOpen } from '../store/apply.js';
import { commentsOf, conflictsOf, getDefect } from '../store/defects.js';
import { suspectsOf, suspectsOfDefect } from '../store/duplicates.js';
import { allMutations } from '../store/outbox.js';
import { defectNo } from '../store/numbers.js';
import { Confirm } from './Confirm.jsx';
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
  const needsForm = action === 'assign' || action === 'visit' || action === 'reject' || action === 'fail';
  // A fix counts only with an after-photo (the server refuses it otherwise): take it first, with the
  // before-photo over the camera (AfterPhoto.jsx).
  if (action === 'fix' && !hasAfterPhoto(defect)) {
    return (
      <button class="secondary big" data-status-action="fix" data-action="after-photo" title={t('fix_needs_after_photo')} onClick={() => go(`/d/${defect.id}/after`)}>
        {t('take_after_photo')}
      </button>
    );
  }
  if (action === 'void') {
    return (
      <Confirm
        name="void"
        class="secondary big"
        data-status-action="void"
        label={t('act_void')}
        question={t('confirm_void')}
        onConfirm={async () => {
          await changeStatus(defect, 'void');
          onDone();
        }}
      />
    );
  }
  const run = async () => {
    const extra = {};
    if (action === 'reject' || action === 'fail') {
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
      {(action === 'reject' || action === 'fail') && (
        <input name="reason" required maxLength={2000} placeholder={t(action === 'fail' ? 'reason_hint' : 'reject_reason')} value={note} onInput={(e) => setNote(e.target.value)} />
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
      <button class="primary big" data-action="send-status" onClick={run}>
        {t(`act_${action}`)}
      </button>
    </span>
  );
}

export function hasAfterPhoto(d) {
  return (d.photos ?? []).some((p) => p.kind === 'after');
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
  const role = app.session?.user?.role;
  const canRemovePhoto = MUTATION_ROLES['defect.photo_remove'].includes(role);
  return (
    <section class="defect-detail" data-defect-detail={d.id}>
      <h2>
        <span class="defect-no" data-no>{defectNo(d, t)}</span> {nameOf(type) || `#${d.type_id}`} <span class={`sev sev-${d.severity}`}>{d.severity}</span>{' '}
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
      <Conflicts conflicts={conflicts} app={app} status={d.status} />
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
            <dd>{day(d.due_date)}</dd>
          </>
        )}
        <Deadlines d={d} />
        {d.repeat_count > 0 && <dd class="warn">{t('repeat_count', { n: d.repeat_count })}</dd>}
        {d.satisfaction && (
          <>
            <dt>{t('satisfaction')}</dt>
            <dd data-field="satisfaction">
              {d.satisfaction}/5 {d.visit_method && <span class="muted small">· {t(`visit_by_${d.visit_method}`)}</span>}
            </dd>
          </>
        )}
        {d.owner_raised && (
          <>
            <dt>{t('source')}</dt>
            <dd data-field="owner_raised">
              <span class="badge owner">{t('owner_raised')}</span>
            </dd>
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
            {canRemovePhoto && (
              <Confirm
                name="remove-photo"
                class="remove"
                aria-label={t('delete')}
                label="×"
                confirmLabel={t('delete')}
                question={t('confirm_remove_photo')}
                onConfirm={() => removePhoto(d, p.sha256)}
              />
            )}
          </span>
        ))}
      </div>
      <PhotoInput onPhoto={(p) => addPhotos(d, [p], d.status === 'assigned' ? 'after' : 'before')} />
      <h3>{t('comments')}</h3>
      <ul class="comments">
        {comments.map((c) => (
          <li key={c.id}>
            {c.body} <span class="muted small">{when(c.created_at)}</span>
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
        {MUTATION_ROLES['defect.update'].includes(role) && (
          <button class="secondary big" data-action="edit" onClick={() => go(`/d/${d.id}/edit`)}>
            {t('edit_defect')}
          </button>
        )}
        {d.status === 'assigned' && actionsFrom(d.status, role).includes('fix') && hasAfterPhoto(d) && (
          <button class="secondary big" data-action="after-photo" onClick={() => go(`/d/${d.id}/after`)}>
            {t('take_after_photo')}
          </button>
        )}
        {actionsFrom(d.status, role).map((a) => (
          <StatusAction key={a} defect={d} action={a} onDone={load} />
        ))}
      </footer>
    </section>
  );
}
