/**
 * The defect list behind a number: the same definitions as the server (docs/statistics.md), applied to
 * the defects on this device. Pure, so a test checks it against the definitions.
 */
export const UNFINISHED = ['open', 'assigned', 'fixed'];
export const COMPLETED = ['closed', 'visited'];

function deadline(d) {
  if (d.fix_due_at) return new Date(d.fix_due_at).getTime();
  if (d.due_date) return new Date(`${d.due_date}T23:59:59.999+08:00`).getTime();
  return null;
}

/** query: {status?: 'a,b', contractor_id?, type_id?, building_id?, inspection_id?, severity?, overdue?: '1',
 *  leak?: '1', repeat?: '1', owner_raised?: 'true', visit_method?: 'owner' | 'phone'}; unitsById and typesById resolve building and leak types. */
export function drill(defects, query, { unitsById, typesById, now = Date.now() }) {
  const statuses = query.status ? new Set(query.status.split(',')) : null;
  const num = (k) => (query[k] ? Number(query[k]) : null);
  const contractor = num('contractor_id');
  const type = num('type_id');
  const building = num('building_id');
  return defects.filter((d) => {
    if (d.status === 'void') return false;
    if (statuses && !statuses.has(d.status)) return false;
    if (contractor !== null && d.contractor_id !== contractor) return false;
    if (type !== null && d.type_id !== type) return false;
    if (building !== null && unitsById.get(d.unit_id)?.building_id !== building) return false;
    if (query.inspection_id && d.inspection_id !== query.inspection_id) return false;
    if (query.severity && d.severity !== query.severity) return false;
    if (query.repeat === '1' && !(d.repeat_count > 0)) return false;
    if (query.owner_raised === 'true' && !d.owner_raised) return false;
    if (query.visit_method && !(d.satisfaction != null && d.visit_method === query.visit_method)) return false;
    if (query.leak === '1' && !(typesById.get(d.type_id)?.name_zh ?? '').includes('渗漏')) return false;
    if (query.overdue === '1') {
      const due = deadline(d);
      if (!UNFINISHED.includes(d.status) || due === null || due >= now) return false;
    }
    return true;
  });
}
