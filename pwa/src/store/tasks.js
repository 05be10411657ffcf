/**
 * The work lists of each role, from the local store (offline): a crew's assigned defects by deadline, an
 * inspector's defects awaiting re-check in walking order, a manager's undispatched defects. Pure
 * functions over defect records, so they are unit-tested and fast on thousands of items.
 */

const TIME_MAX = 8.64e15;
const due = (d) => (d.fix_due_at ? Date.parse(d.fix_due_at) : d.due_date ? Date.parse(`${d.due_date}T23:59:59`) : TIME_MAX);

/** Which list a role works from, and the statuses it holds. */
export const BOARDS = {
  crew: { title: 'tasks_crew', statuses: ['assigned'] },
  inspector: { title: 'tasks_recheck', statuses: ['fixed'] },
  manager: { title: 'tasks_dispatch', statuses: ['open'] },
  admin: { title: 'tasks_dispatch', statuses: ['open'] },
};

export function isOverdue(d, now = Date.now()) {
  return d.status === 'assigned' && due(d) < now;
}

/** The board's state filter: 待接单 (not accepted yet), 已接单, 逾期 (overdue). */
export const STATE_FILTERS = {
  unaccepted: (d) => d.status === 'assigned' && !d.accepted_at,
  accepted: (d) => d.status === 'assigned' && Boolean(d.accepted_at),
  overdue: (d, now) => isOverdue(d, now),
};

/** How many items a board renders at first (more on request): the page stays fast with thousands. */
export const PAGE = 100;

/**
 * The board's items: filtered, then overdue first (highest escalation first), then by deadline, then
 * in walking order (building, floor, unit). `unitOf(id)` gives {building_id, floor, number}.
 */
export function boardItems(defects, role, unitOf, { building = '', trade = '', state = '', typeTrade = () => '' } = {}, now = Date.now()) {
  const board = BOARDS[role];
  if (!board) return [];
  const walk = (d) => {
    const u = unitOf(d.unit_id) ?? {};
    return [u.building_id ?? 0, u.floor ?? 0, String(u.number ?? '')];
  };
  const rows = defects.filter(
    (d) =>
      board.statuses.includes(d.status) &&
      (!building || unitOf(d.unit_id)?.building_id === Number(building)) &&
      (!trade || typeTrade(d.type_id) === trade) &&
      (!state || STATE_FILTERS[state]?.(d, now)),
  );
  const keyed = rows.map((d) => ({ d, over: isOverdue(d, now), level: d.escalation_level || 0, due: due(d), walk: walk(d) }));
  keyed.sort(
    (a, b) =>
      Number(b.over) - Number(a.over) ||
      b.level - a.level ||
      a.due - b.due ||
      a.walk[0] - b.walk[0] ||
      a.walk[1] - b.walk[1] ||
      a.walk[2].localeCompare(b.walk[2]),
  );
  return keyed.map((k) => k.d);
}

/** Items grouped by unit, keeping the board's order of first appearance. */
export function groupByUnit(items) {
  const groups = new Map();
  for (const d of items) {
    if (!groups.has(d.unit_id)) groups.set(d.unit_id, []);
    groups.get(d.unit_id).push(d);
  }
  return [...groups.entries()];
}

/** The first `limit` items, grouped by unit: what the board renders; `rest` is how many are not shown yet. */
export function boardPage(items, limit = PAGE) {
  return { groups: groupByUnit(items.slice(0, limit)), rest: Math.max(0, items.length - limit) };
}
