/**
 * 检查计划: the project manager plans the inspection rounds from the delivery date. The server proposes the
 * calendar (内部模拟验收 in stages during the build, T−90 完工, T−60 集团联合验收, T−45 工地开放日·客户预验收,
 * T−30 区域联合验收 with the delivery permit, T−15 承接查验, T−0 交付陪验); the manager adjusts each round's
 * dates, building and floors and participants, and saves them as planned rounds. Below, the project's
 * rounds, each adjusted, opened, closed or reopened here; the inspectors' tablets get them with their next
 * sync. Online only: the server plans. Offered to the roles of the rule table's `screen_roles.calendar`.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { nameOf, t } from '../i18n/index.js';
import { emit } from '../page/bus.js';
import { refs, reloadRounds } from '../page/refs.js';
import { mayOpen } from '../store/apply.js';
import {
  PARTICIPANT_ROLES,
  STATUS_ACTIONS,
  calendarBody,
  daysBetween,
  draftOfRound,
  draftsOf,
  offsetLabel,
  problemOf,
  roundBody,
  timeline,
} from '../store/calendar.js';
import { getJson, sendJson } from '../sync/api.js';
import { refreshRounds } from '../sync/rounds.js';

function People({ draft, people, onChange }) {
  const chosen = Object.keys(draft.participants).length;
  return (
    <details class="cal-people">
      <summary>
        {t('cal_participants')} ({chosen})
      </summary>
      {people.map((u) => (
        <label key={u.id} class="cal-person" data-person={u.username}>
          <span>
            {u.display_name || u.username} <span class="muted small">{u.username}</span>
          </span>
          <select
            name="participant-role"
            value={draft.participants[u.id] ?? ''}
            onChange={(e) => {
              const next = { ...draft.participants };
              if (e.currentTarget.value) next[u.id] = e.currentTarget.value;
              else delete next[u.id];
              onChange({ participants: next });
            }}
          >
            <option value="">{t('prole_none')}</option>
            {PARTICIPANT_ROLES.map((r) => (
              <option value={r} key={r}>
                {t(`prole_${r}`)}
              </option>
            ))}
          </select>
        </label>
      ))}
    </details>
  );
}

/** One round's plan: name, dates, building and floors, participants (a proposed row or a saved round). */
function RoundFields({ draft, buildings, people, onChange }) {
  const problem = problemOf(draft);
  return (
    <div class="cal-fields">
      <input
        name="round-name"
        maxLength={200}
        aria-label={t('cal_name')}
        value={draft.name}
        onInput={(e) => onChange({ name: e.currentTarget.value })}
      />
      <label>
        {t('cal_start')}{' '}
        <input type="date" name="planned_start" value={draft.planned_start} onInput={(e) => onChange({ planned_start: e.currentTarget.value })} />
      </label>
      <label>
        {t('cal_end')}{' '}
        <input type="date" name="planned_end" value={draft.planned_end} onInput={(e) => onChange({ planned_end: e.currentTarget.value })} />
      </label>
      <label>
        {t('cal_building')}{' '}
        <select name="round-building" value={draft.building_id ?? ''} onChange={(e) => onChange({ building_id: e.currentTarget.value || null })}>
          <option value="">{t('cal_whole_project')}</option>
          {buildings.map((b) => (
            <option value={b.id} key={b.id}>
              {nameOf(b)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('cal_floors')}{' '}
        <input name="floors" inputMode="numeric" placeholder="1-5,8" maxLength={200} value={draft.floors} onInput={(e) => onChange({ floors: e.currentTarget.value })} />
      </label>
      <People draft={draft} people={people} onChange={onChange} />
      {problem && <p class="error small" data-problem={problem}>{t(problem)}</p>}
    </div>
  );
}

function KindNote({ kind }) {
  if (kind === 'regional_joint') return <span class="badge">{t('cal_gate_note')}</span>;
  if (kind === 'delivery') return <span class="badge">{t('cal_permit_note')}</span>;
  return null;
}

function Proposal({ proposal, drafts, setDrafts, buildings, people, onSave, busy }) {
  const patch = (key, change) => setDrafts(drafts.map((d) => (d.key === key ? { ...d, ...change } : d)));
  const included = drafts.filter((d) => d.include);
  const blocked = included.some((d) => problemOf(d));
  return (
    <div class="cal-proposal">
      <h3>{t('cal_proposal')}</h3>
      <ol class="cal-list">
        {timeline(drafts, proposal.milestones).map((item) =>
          item.type === 'milestone' ? (
            <li key={`m-${item.milestone.key}`} class="cal-milestone" data-milestone={item.milestone.key}>
              <strong>{offsetLabel(item.milestone.offset_days)}</strong> · {t(`milestone_${item.milestone.key}`)} ·{' '}
              {item.milestone.date}
            </li>
          ) : (
            <li key={item.draft.key} class={`cal-row${item.draft.include ? '' : ' muted'}`} data-key={item.draft.key}>
              <label class="cal-head">
                <input
                  type="checkbox"
                  name="include"
                  checked={item.draft.include}
                  onChange={(e) => patch(item.draft.key, { include: e.currentTarget.checked })}
                />{' '}
                <strong>{offsetLabel(daysBetween(proposal.delivery_date, item.draft.planned_start))}</strong> ·{' '}
                {t(`kind_${item.draft.kind}`)} <KindNote kind={item.draft.kind} />
              </label>
              {item.draft.include && (
                <RoundFields draft={item.draft} buildings={buildings} people={people} onChange={(c) => patch(item.draft.key, c)} />
              )}
            </li>
          ),
        )}
      </ol>
      <button class="primary big" data-action="save-calendar" disabled={busy || blocked || !included.length} onClick={onSave}>
        {t('cal_save_n', { n: included.length })}
      </button>
    </div>
  );
}

function SavedRound({ round, buildings, people, onSaved, setError }) {
  const [draft, setDraft] = useState(() => draftOfRound(round));
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft(draftOfRound(round)), [round]);
  const send = async (body) => {
    setBusy(true);
    setError('');
    try {
      await sendJson('PATCH', `/api/inspections/${round.id}`, body);
      setEditing(false);
      await onSaved();
    } catch (e) {
      setError(String(e?.message ?? e));
    } finally {
      setBusy(false);
    }
  };
  const building = buildings.find((b) => b.id === round.building_id);
  return (
    <li class={`cal-round st-${round.status}`} data-round-id={round.id} data-kind={round.kind} data-status={round.status}>
      <div class="cal-head">
        <strong>{round.name}</strong> · {t(`kind_${round.kind}`)} ·{' '}
        <span class="status" data-round-status={round.status}>
          {t(`rs_${round.status}`)}
        </span>
        <span class="muted small">
          {' '}
          {draft.planned_start} – {draft.planned_end} · {building ? nameOf(building) : t('cal_whole_project')}
          {draft.floors && ` · ${t('cal_floors_short', { f: draft.floors })}`} · {t('cal_participants')}{' '}
          {round.participants?.length ?? 0}
        </span>
      </div>
      {editing && <RoundFields draft={draft} buildings={buildings} people={people} onChange={(c) => setDraft({ ...draft, ...c })} />}
      <div class="segmented">
        {(STATUS_ACTIONS[round.status] ?? []).map((to) => (
          <button
            key={to}
            type="button"
            class={to === 'open' ? 'primary' : 'secondary'}
            disabled={busy}
            data-action={round.status === 'closed' ? 'reopen-round' : `${to === 'open' ? 'open' : 'close'}-round`}
            onClick={() => send({ status: to })}
          >
            {t(round.status === 'closed' ? 'cal_reopen' : to === 'open' ? 'cal_open' : 'cal_close')}
          </button>
        ))}
        {editing ? (
          <button type="button" class="secondary" data-action="update-round" disabled={busy || Boolean(problemOf(draft))} onClick={() => send(roundBody(draft))}>
            {t('cal_update')}
          </button>
        ) : (
          <button type="button" class="secondary" data-action="edit-round" onClick={() => setEditing(true)}>
            {t('cal_edit')}
          </button>
        )}
      </div>
    </li>
  );
}

export function Calendar({ app, params }) {
  const pid = Number(params[0]);
  const role = app?.session?.user?.role;
  const project = refs.projects.find((x) => x.id === pid);
  const [delivery, setDelivery] = useState(project?.delivery_date ?? '');
  const [scope, setScope] = useState('');
  const [buildings, setBuildings] = useState(refs.byProject.get(pid)?.buildings ?? []);
  const [people, setPeople] = useState([]);
  const [rounds, setRounds] = useState(null);
  const [proposal, setProposal] = useState(null);
  const [drafts, setDrafts] = useState([]);
  const [error, setError] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const touched = useRef(false);

  const loadRounds = async () => setRounds(await getJson(`/api/projects/${pid}/rounds`));
  // The rounds changed: this tablet's round picker shows them at once, other tablets with their next sync.
  const afterChange = async () => {
    await loadRounds();
    await refreshRounds(pid);
    await reloadRounds();
    emit('data');
  };
  useEffect(() => {
    if (!mayOpen('calendar', role)) return;
    (async () => {
      try {
        if (!buildings.length) setBuildings(await getJson(`/api/projects/${pid}/buildings`));
        setPeople(await getJson(`/api/projects/${pid}/calendar/people`));
        const fresh = (await getJson(`/api/projects/${pid}`)).delivery_date ?? '';
        setDelivery((typed) => (touched.current ? typed : fresh)); // the project's date, unless already typed
        await loadRounds();
      } catch (e) {
        setError(String(e?.message ?? e));
        setRounds([]);
      }
    })();
  }, [pid]);
  if (!mayOpen('calendar', role)) return <p class="empty">{t('not_found')}</p>;

  const propose = async () => {
    setError('');
    setMessage('');
    try {
      const body = { delivery_date: delivery || null, building_id: scope ? Number(scope) : null };
      const p = await sendJson('POST', `/api/projects/${pid}/calendar/propose`, body);
      setProposal(p);
      setDrafts(draftsOf(p, scope ? Number(scope) : null));
    } catch (e) {
      setError(String(e?.message ?? e));
    }
  };
  const save = async () => {
    setBusy(true);
    setError('');
    try {
      const saved = await sendJson('POST', `/api/projects/${pid}/calendar`, calendarBody(drafts, proposal.delivery_date));
      setProposal(null);
      setDrafts([]);
      setMessage(t('cal_saved_n', { n: saved.length }));
      await afterChange();
    } catch (e) {
      setError(String(e?.message ?? e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="calendar" data-ready={rounds === null ? 'loading' : 'calendar'}>
      <h2>{t('cal_title')}</h2>
      <div class="cal-plan inline-form">
        <label>
          {t('cal_delivery_date')}{' '}
          <input
            type="date"
            name="delivery_date"
            value={delivery}
            onInput={(e) => {
              touched.current = true;
              setDelivery(e.currentTarget.value);
            }}
          />
        </label>
        <label>
          {t('cal_scope')}{' '}
          <select name="scope" value={scope} onChange={(e) => setScope(e.currentTarget.value)}>
            <option value="">{t('cal_whole_project')}</option>
            {buildings.map((b) => (
              <option value={b.id} key={b.id}>
                {nameOf(b)}
              </option>
            ))}
          </select>
        </label>
        <button class="primary" data-action="propose" disabled={!delivery} onClick={propose}>
          {t('cal_propose')}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {message && (
        <p class="ok" role="status" data-saved>
          {message}
        </p>
      )}
      {proposal && (
        <Proposal proposal={proposal} drafts={drafts} setDrafts={setDrafts} buildings={buildings} people={people} onSave={save} busy={busy} />
      )}
      <h3>{t('cal_rounds')}</h3>
      {rounds === null && <p class="empty">{t('loading')}</p>}
      {rounds?.length === 0 && <p class="empty">{t('cal_none')}</p>}
      <ol class="cal-list cal-saved">
        {(rounds ?? []).map((r) => (
          <SavedRound key={r.id} round={r} buildings={buildings} people={people} onSaved={afterChange} setError={setError} />
        ))}
      </ol>
    </section>
  );
}
