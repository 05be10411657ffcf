/**
 * The planning calendar's pure parts: what the manager types for a round's floors, the T−n labels, the
 * proposal interleaved with its milestones, and the rounds as the server saves them
 * (POST /api/projects/<id>/calendar, PATCH /api/inspections/<id>). Unit-tested in test/calendar.test.js.
 */

export const PARTICIPANT_ROLES = ['lead', 'inspector', 'property', 'contractor', 'companion'];
const FLOOR_MIN = -10;
const FLOOR_MAX = 300;
const MAX_FLOORS = 300;

/** "1-5, 8" → [1, 2, 3, 4, 5, 8]; "" → null (every floor); undefined when it cannot be read. */
export function parseFloors(text) {
  const s = String(text ?? '').replace(/，/g, ',').replace(/\s+/g, '');
  if (!s) return null;
  const out = new Set();
  for (const part of s.split(',')) {
    const m = /^(-?\d+)(?:[-~–](-?\d+))?$/.exec(part);
    if (!m) return undefined;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (a > b || a < FLOOR_MIN || b > FLOOR_MAX) return undefined;
    for (let f = a; f <= b; f += 1) out.add(f);
    if (out.size > MAX_FLOORS) return undefined;
  }
  return [...out].sort((x, y) => x - y);
}

/** [1, 2, 3, 5] → "1-3,5" (what parseFloors reads back). */
export function formatFloors(floors) {
  if (!floors?.length) return '';
  const sorted = [...new Set(floors)].sort((x, y) => x - y);
  const parts = [];
  let start = sorted[0];
  let prev = start;
  for (const f of [...sorted.slice(1), null]) {
    if (f !== null && f === prev + 1) {
      prev = f;
      continue;
    }
    parts.push(start === prev ? `${start}` : `${start}-${prev}`);
    start = prev = f;
  }
  return parts.join(',');
}

/** Days from delivery as the calendar names them: T−90, T, T+2. */
export function offsetLabel(days) {
  if (!days) return 'T';
  return days < 0 ? `T−${-days}` : `T+${days}`;
}

/** Days between two ISO dates (b − a). */
export function daysBetween(a, b) {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * The proposal's rounds as rows the manager edits: every round included, its own building or the one the
 * proposal was made for, every floor, nobody yet.
 */
export function draftsOf(proposal, buildingId = null) {
  return proposal.rounds.map((r) => ({
    key: r.key,
    kind: r.kind,
    name: r.name,
    planned_start: r.planned_start,
    planned_end: r.planned_end,
    offset_days: r.offset_days,
    include: true,
    building_id: buildingId,
    floors: '',
    participants: {},
  }));
}

/** A saved round as an editable row (the same shape as a draft). */
export function draftOfRound(r) {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    status: r.status,
    planned_start: r.planned_start ?? r.started_on,
    planned_end: r.planned_end ?? r.planned_start ?? r.started_on,
    building_id: r.building_id ?? null,
    floors: formatFloors(r.floors),
    unit_ids: r.unit_ids ?? null,
    participants: Object.fromEntries((r.participants ?? []).map((p) => [p.user_id, p.role])),
  };
}

/** Rounds and milestones in calendar order, for one list. */
export function timeline(drafts, milestones = []) {
  const items = [
    ...drafts.map((d) => ({ type: 'round', at: d.planned_start, draft: d })),
    ...milestones.map((m) => ({ type: 'milestone', at: m.date, milestone: m })),
  ];
  return items.sort((a, b) => a.at.localeCompare(b.at) || (a.type === 'milestone' ? -1 : 1));
}

/** What is wrong with a row, as a message key, or null. */
export function problemOf(d) {
  if (!d.name?.trim()) return 'cal_err_name';
  if (!d.planned_start || !d.planned_end) return 'cal_err_dates';
  if (d.planned_end < d.planned_start) return 'cal_err_order';
  if (parseFloors(d.floors) === undefined) return 'cal_err_floors';
  return null;
}

/** The fields the server takes for a round (the body of POST …/calendar, or a PATCH). */
export function roundBody(d) {
  const floors = parseFloors(d.floors);
  return {
    name: d.name.trim().slice(0, 200),
    planned_start: d.planned_start,
    planned_end: d.planned_end,
    building_id: d.building_id == null || d.building_id === '' ? null : Number(d.building_id),
    floors: floors?.length ? floors : null,
    participants: Object.entries(d.participants)
      .filter(([, role]) => PARTICIPANT_ROLES.includes(role))
      .map(([userId, role]) => ({ user_id: Number(userId), role })),
  };
}

/** The body that saves the included rows of a proposal. */
export function calendarBody(drafts, deliveryDate) {
  return {
    delivery_date: deliveryDate || null,
    rounds: drafts.filter((d) => d.include).map((d) => ({ kind: d.kind, ...roundBody(d) })),
  };
}

/** The status moves a planner is offered: planned → open → closed, and a closed round reopened. */
export const STATUS_ACTIONS = { planned: ['open'], open: ['closed'], closed: ['open'] };
