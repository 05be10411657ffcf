/**
 * 分户验收 checklists on the tablet, as pure functions (the server applies the same rules in
 * domain/rounds/checklists.py): which items a room asks for, how a measured value is judged, and a unit's
 * progress from the answers this device knows (its own, and those fetched from the server after a sync).
 */

export const UNIT_ROOM = 0; // answers about the unit as a whole
export const RESULTS = ['pass', 'fail', 'na'];

/** The kinds a room counts as: 卫生间 is bath and wet, 阳台 balcony and wet, a bedroom dry. */
export function roomKinds(room) {
  const text = `${room.code ?? ''} ${room.name ?? ''}`.toLowerCase();
  if (text.includes('bath') || text.includes('卫') || text.includes('wc')) return new Set(['all', 'wet', 'bath']);
  if (text.includes('kitchen') || text.includes('厨')) return new Set(['all', 'wet', 'kitchen']);
  if (text.includes('balcony') || text.includes('阳台')) return new Set(['all', 'wet', 'balcony']);
  return new Set(['all', 'dry']);
}

/** pass or fail for a measured value; the bounds pass (≤ 4 mm: 4.0 passes), read to the thousandth. */
export function judge(item, measured) {
  const v = Math.round(Number(measured) * 1000) / 1000;
  if (!Number.isFinite(v)) return null;
  if (item.tol_min != null && v < item.tol_min) return 'fail';
  if (item.tol_max != null && v > item.tol_max) return 'fail';
  return 'pass';
}

export const hasTolerance = (item) => item.tol_min != null || item.tol_max != null;

/** The tolerance as people write it: "≤ 4 mm", "≥ 1050 mm", "-20 ~ 20 mm". */
export function toleranceText(item) {
  const u = item.unit ? ` ${item.unit}` : '';
  if (item.tol_min != null && item.tol_max != null) return `${item.tol_min} ~ ${item.tol_max}${u}`;
  if (item.tol_max != null) return `≤ ${item.tol_max}${u}`;
  if (item.tol_min != null) return `≥ ${item.tol_min}${u}`;
  return '';
}

/** Items for one room (room UNIT_ROOM: the items about the whole unit). Without rooms, all in UNIT_ROOM. */
export function itemsForRoom(items, room, hasRooms = true) {
  if (!hasRooms || room == null) return items;
  if (room.id === UNIT_ROOM) return items.filter((i) => i.room_kind === 'unit');
  const kinds = roomKinds(room);
  return items.filter((i) => i.room_kind !== 'unit' && kinds.has(i.room_kind));
}

/** Every "room:item" key the unit's checklist asks for. */
export function slotKeys(items, rooms) {
  const keys = [];
  for (const i of items) {
    if (i.room_kind === 'unit' || !rooms.length) {
      keys.push(`${UNIT_ROOM}:${i.id}`);
      continue;
    }
    for (const r of rooms) if (roomKinds(r).has(i.room_kind)) keys.push(`${r.id}:${i.id}`);
  }
  return keys;
}

/** Merge answer maps ({"room:item": {result, measured, hlc}}): per key, the later HLC wins. */
export function mergeAnswers(...maps) {
  const out = {};
  for (const m of maps) {
    for (const [k, v] of Object.entries(m ?? {})) if (!out[k] || (v.hlc ?? '') > (out[k].hlc ?? '')) out[k] = v;
  }
  return out;
}

/** {done, total, status: 'done' | 'partial' | 'none'} for a unit. */
export function progressOf(items, rooms, answers) {
  const keys = slotKeys(items, rooms);
  const done = keys.filter((k) => RESULTS.includes(answers?.[k]?.result)).length;
  const status = keys.length && done >= keys.length ? 'done' : done > 0 ? 'partial' : 'none';
  return { done, total: keys.length, status };
}
