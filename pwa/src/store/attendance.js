/**
 * Attendance (到访) on the tablet: the server's check-ins of a round (fetched with its units) and this
 * device's own still unsent (meta "checkins:<round>", written with the outbox entry by store/outbox.js).
 */

/** Server check-ins with this device's own still unsent on top: {unitId: time}. */
export function mergeCheckins(units, mine) {
  const out = {};
  for (const u of units ?? []) if (u.checked_in_at) out[u.unit_id] = u.checked_in_at;
  for (const [id, at] of Object.entries(mine ?? {})) out[id] ??= at;
  return out;
}

/** The round's rate with this device's unsent check-ins counted: {invited, attended, rate}. */
export function rateWith(summary, units, mine) {
  if (!summary || summary.invited == null) return null;
  const known = new Set((units ?? []).filter((u) => u.checked_in_at).map((u) => String(u.unit_id)));
  const invited = new Set((units ?? []).filter((u) => u.invited).map((u) => String(u.unit_id)));
  let { invited: inv, attended } = summary;
  for (const id of Object.keys(mine ?? {})) {
    if (known.has(id)) continue;
    attended += 1;
    if (!invited.has(id)) inv += 1;
  }
  return { invited: inv, attended, rate: inv ? attended / inv : null };
}
