/**
 * Each role's work list, offline from the local store: a crew's 我的任务 (assigned work, overdue first
 * with its escalation level, accept / reject / open to photograph and mark fixed), an inspector's 待复验
 * (fixed defects in walking order, pass / fail with a reason), a manager's 调度台 (undispatched defects,
 * several selected and dispatched to one contractor). Buttons come from the rule table for this role.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { nameOf, t } from '../i18n/index.js';
import { changeStatus } from '../page/actions.js';
import { on } from '../page/bus.js';
import { refs, roomName } from '../page/refs.js';
import { go } from '../page/router.js';
import { actionsFrom, mayOpen } from '../store/apply.js';
import { defectsOfProject } from '../store/defects.js';
import { BOARDS, boardItems, groupByUnit, isOverdue } from '../store/tasks.js';
import { DuplicatesButton } from './Buildings.jsx';
import { Photo } from './Photo.jsx';

const WITH_REASON = new Set(['reject', 'fail']);

export function TaskBoard({ app, params }) {
  const pid = Number(params[0]);
  const role = app.session?.user?.role;
  const p = refs.byProject.get(pid);
  const [defects, setDefects] = useState([]);
  const [filters, setFilters] = useState({ building: '', trade: '' });
  const [asking, setAsking] = useState(null); // {id, action}
  const [reason, setReason] = useState('');
  const [picked, setPicked] = useState(new Set());
  const [contractor, setContractor] = useState('');
  useEffect(() => {
    const load = async () => setDefects(await defectsOfProject(pid));
    load();
    return on('data', load);
  }, [pid]);
  const unitOf = (id) => refs.unitById.get(id);
  const typeTrade = (id) => refs.typeById.get(id)?.trade ?? '';
  const items = useMemo(() => boardItems(defects, role, unitOf, { ...filters, typeTrade }), [defects, role, filters]);
  if (!p) return <p class="empty">{t('not_downloaded')}</p>;
  const board = BOARDS[role];
  if (!board) return <p class="empty">{t('not_found')}</p>;
  const trades = [...new Set(refs.types.map((x) => x.trade).filter(Boolean))];
  const act = async (d, action) => {
    if (WITH_REASON.has(action)) {
      setAsking({ id: d.id, action });
      return;
    }
    await changeStatus(d, action);
  };
  const sendReason = async (d) => {
    await changeStatus(d, asking.action, { note: reason.trim().slice(0, 2000) });
    setAsking(null);
    setReason('');
  };
  const toggle = (id) => {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };
  const dispatch = async () => {
    for (const d of items.filter((x) => picked.has(x.id))) await changeStatus(d, 'assign', { contractor_id: Number(contractor) });
    setPicked(new Set());
  };
  return (
    <section class="task-board" data-board={role}>
      <h2>
        {t(board.title)} <span class="muted small" data-count={items.length}>{t('count_n', { n: items.length })}</span>
      </h2>
      {(mayOpen('calendar', role) || mayOpen('duplicates', role)) && (
        <p class="desk-links">
          {mayOpen('calendar', role) && (
            <button class="secondary big" data-go="calendar" onClick={() => go(`/p/${pid}/calendar`)}>
              {t('calendar')}
            </button>
          )}{' '}
          {mayOpen('duplicates', role) && <DuplicatesButton pid={pid} />}
        </p>
      )}
      <div class="filters">
        <select name="building" value={filters.building} onChange={(e) => setFilters({ ...filters, building: e.target.value })}>
          <option value="">{t('all_buildings')}</option>
          {p.buildings.map((b) => (
            <option key={b.id} value={b.id}>
              {nameOf(b)}
            </option>
          ))}
        </select>
        {trades.length > 0 && (
          <select name="trade" value={filters.trade} onChange={(e) => setFilters({ ...filters, trade: e.target.value })}>
            <option value="">{t('all_trades')}</option>
            {trades.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        )}
      </div>
      {board.statuses.includes('open') && (
        <div class="bulk" data-picked={picked.size}>
          <select name="contractor" value={contractor} onChange={(e) => setContractor(e.target.value)}>
            <option value="">{t('pick_contractor')}</option>
            {refs.contractors.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <button class="primary" data-action="bulk-dispatch" disabled={!picked.size || !contractor} onClick={dispatch}>
            {t('dispatch_n', { n: picked.size })}
          </button>
        </div>
      )}
      {groupByUnit(items).map(([unitId, list]) => {
        const unit = unitOf(unitId);
        return (
          <div class="task-unit" key={unitId} data-unit={unitId}>
            <h3>
              <button class="link" onClick={() => go(`/u/${unitId}`)}>
                {unit?.label || unit?.number}
              </button>
            </h3>
            <ul class="task-list">
              {list.map((d) => {
                const over = isOverdue(d);
                const photo = (d.photos || []).find((x) => x.kind !== 'after');
                return (
                  <li key={d.id} class={over ? 'task overdue' : 'task'} data-defect={d.id} data-overdue={over ? '1' : undefined}>
                    {board.statuses.includes('open') && (
                      <input type="checkbox" aria-label={t('select')} checked={picked.has(d.id)} onChange={() => toggle(d.id)} />
                    )}
                    {photo ? <Photo sha256={photo.sha256} class="thumb" /> : <span class="thumb none" />}
                    <span class="task-main" onClick={() => go(`/d/${d.id}`)}>
                      <strong>{nameOf(refs.typeById.get(d.type_id))}</strong> · {roomName(unit, d.room_id) || '—'} · {d.severity}
                      <span class="muted small">
                        {' '}
                        {d.fix_due_at ? d.fix_due_at.slice(0, 10) : d.due_date || ''}
                        {over && ` · ${t('overdue')}`}
                        {d.escalation_level > 0 && ` · L${d.escalation_level}`}
                        {d.repeat_count > 0 && ` · ${t('repeat_n', { n: d.repeat_count })}`}
                      </span>
                    </span>
                    <span class="task-actions">
                      {actionsFrom(d.status, role)
                        .filter((a) => a !== 'assign' && a !== 'void' && (a !== 'accept' || !d.accepted_at))
                        .map((a) =>
                          a === 'fix' ? (
                            <button key={a} class="secondary" data-action="fix" onClick={() => go(`/d/${d.id}`)}>
                              {t('act_fix')}
                            </button>
                          ) : (
                            <button key={a} class={a === 'fail' || a === 'reject' ? 'secondary' : 'primary'} data-action={a} onClick={() => act(d, a)}>
                              {t(`act_${a}`)}
                            </button>
                          ),
                        )}
                    </span>
                    {asking?.id === d.id && (
                      <div class="reason-form">
                        <textarea name="reason" maxLength={2000} placeholder={t('reason_hint')} value={reason} onInput={(e) => setReason(e.target.value)} />
                        <button class="primary" data-action="send-reason" disabled={!reason.trim()} onClick={() => sendReason(d)}>
                          {t(`act_${asking.action}`)}
                        </button>
                        <button class="link" onClick={() => setAsking(null)}>
                          {t('cancel')}
                        </button>
                      </div>
                    )}
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
      {!items.length && <p class="empty">{t('tasks_none')}</p>}
    </section>
  );
}
