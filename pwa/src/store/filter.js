/** Filtering and searching local lists. Pure, single pass: 10,000 defects filter in a few milliseconds. */

/** filters: {room_id?, type_id?, status? (string or array), severity?, text?, owner_raised? ('1' / '0')} — empty
 * values are ignored. */
export function filterDefects(defects, filters = {}) {
  const room = filters.room_id ? Number(filters.room_id) : null;
  const type = filters.type_id ? Number(filters.type_id) : null;
  const statuses = filters.status ? new Set([].concat(filters.status)) : null;
  const severity = filters.severity || null;
  const text = filters.text ? filters.text.trim().toLowerCase() : '';
  const raised = filters.owner_raised === '1' || filters.owner_raised === true ? true : filters.owner_raised === '0' ? false : null;
  const out = [];
  for (const d of defects) {
    if (room !== null && d.room_id !== room) continue;
    if (type !== null && d.type_id !== type) continue;
    if (statuses && !statuses.has(d.status)) continue;
    if (severity && d.severity !== severity) continue;
    if (raised !== null && Boolean(d.owner_raised) !== raised) continue;
    if (text && !(d.description ?? '').toLowerCase().includes(text)) continue;
    out.push(d);
  }
  out.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  return out;
}

/** Flatten the library (areas → types) into a list with the area on each type. */
export function flattenLibrary(areas) {
  const out = [];
  for (const a of areas ?? []) for (const t of a.types ?? []) out.push({ ...t, area_zh: a.name_zh, area_en: a.name_en });
  return out;
}

/** Type search lives in type-search.js (synonyms, pinyin); re-exported for the screens that import it here. */
export { searchTypes } from './type-search.js';

/** Which room of a 户型 contains the plan point (x, y) — the smallest box wins where rooms overlap. */
export function roomAt(rooms, x, y) {
  let best = null;
  for (const r of rooms ?? []) {
    if (x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1) {
      const area = (r.x1 - r.x0) * (r.y1 - r.y0);
      if (!best || area < best.area) best = { room: r, area };
    }
  }
  return best?.room ?? null;
}
