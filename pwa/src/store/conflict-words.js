/**
 * A sync conflict in a person's words. The server records two sides (sync/status.py, sync/annotations.py):
 * `ours` is the server's state when the change arrived, `theirs` is the change a device asked for. This
 * turns them into rows a site user can compare — what changed, the value on each side, who and which
 * device made the change and when — and says which choices the reader's role has (sync/conflicts.py:
 * staff resolve; "apply the device's change" only where the reader may take that action now).
 *
 * Pure: the caller passes the lookups (names, statuses, time formatting), so it is unit-tested in Node.
 */
import { TRANSITIONS } from './apply.js';
import { parseHlc } from '../sync/hlc.js';

export const RESOLVERS = ['admin', 'manager', 'inspector'];

// Never shown as a row: clocks, ids and the bookkeeping of the change itself.
const HIDDEN = new Set(['hlc', 'clock', 'device_id', 'user_id', 'role', 'sha256', 'action', 'from', 'note',
  'assigned_at', 'fixed_at', 'closed_at', 'accepted_at']);

/**
 * c: a conflict record; ctx: {t, me: {id, role}, deviceId, contractorName(id), when(iso|ms), status (the
 * defect's current status)}. Returns {kind, mineLabel, serverLabel, who, device, madeAt, recordedAt, rows,
 * note, choices}.
 */
export function describeConflict(c, ctx) {
  const { t } = ctx;
  const theirs = c.theirs ?? {};
  const ours = c.ours ?? {};
  const mine = c.user_id != null && c.user_id === ctx.me?.id;
  const name = c.user_name || (theirs.role ? t(`role_${theirs.role}`) : t('someone'));
  const made = parseHlc(theirs.hlc ?? theirs.clock ?? '');
  const out = {
    kind: c.kind,
    mineLabel: mine ? t('conflict_mine') : t('conflict_other', { who: name }),
    serverLabel: t('conflict_server'),
    who: mine ? t('you') : name,
    device: c.device_id && c.device_id === ctx.deviceId ? t('this_device') : c.device_id ? t('other_device') : '',
    madeAt: made ? ctx.when(made.pt) : '',
    recordedAt: c.created_at ? ctx.when(c.created_at) : '',
    rows: [],
    note: theirs.note || '',
    choices: [],
  };
  if (c.kind === 'annotation') {
    out.title = t('conflict_markup');
    const n = (side) => t('marks_n', { n: (side.shapes ?? []).length });
    out.rows.push({ field: 'shapes', label: t('markup'), mine: n(theirs), server: n(ours) });
    const serverMade = parseHlc(ours.clock ?? '');
    if (serverMade) out.rows.push({ field: 'when', label: t('changed_at'), mine: out.madeAt, server: ctx.when(serverMade.pt) });
  } else if (theirs.action) {
    const tr = TRANSITIONS[theirs.action];
    out.title = t('conflict_status', { action: t(`act_${theirs.action}`) });
    out.rows.push({
      field: 'status',
      label: t('status'),
      mine: tr ? `${t(`act_${theirs.action}`)} → ${t(`st_${tr.to}`)}` : t(`act_${theirs.action}`),
      server: ours.status ? t(`st_${ours.status}`) : '—',
    });
    if (theirs.from && theirs.from !== ours.status) {
      out.rows.push({ field: 'from', label: t('seen_status'), mine: t(`st_${theirs.from}`), server: ours.status ? t(`st_${ours.status}`) : '—' });
    }
    if (theirs.contractor_id != null || ours.contractor_id != null) {
      const mineC = theirs.action === 'assign' ? theirs.contractor_id : theirs.action === 'reject' ? null : ours.contractor_id;
      out.rows.push({ field: 'contractor_id', label: t('contractor'), mine: ctx.contractorName(mineC) || '—', server: ctx.contractorName(ours.contractor_id) || '—' });
    }
    if (theirs.due_date) out.rows.push({ field: 'due_date', label: t('due_date'), mine: theirs.due_date, server: '—' });
    if (theirs.satisfaction != null || ours.satisfaction != null) {
      out.rows.push({ field: 'satisfaction', label: t('satisfaction'), mine: theirs.satisfaction ?? '—', server: ours.satisfaction ?? '—' });
    }
    if (ours.repeat_count > 0) out.rows.push({ field: 'repeat_count', label: t('repeat_label'), mine: '', server: String(ours.repeat_count) });
  } else {
    out.title = t('conflicts');
    for (const k of new Set([...Object.keys(theirs), ...Object.keys(ours)])) {
      if (HIDDEN.has(k)) continue;
      out.rows.push({ field: k, label: k, mine: plain(theirs[k]), server: plain(ours[k]) });
    }
  }
  if (c.status === 'open' && RESOLVERS.includes(ctx.me?.role)) {
    out.choices.push('ours');
    const canApply =
      c.kind === 'annotation' ||
      (theirs.action && TRANSITIONS[theirs.action]?.roles.includes(ctx.me.role) && TRANSITIONS[theirs.action].from.includes(ctx.status));
    if (canApply) out.choices.push('theirs');
  }
  return out;
}

function plain(v) {
  if (v == null || v === '') return '—';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}
