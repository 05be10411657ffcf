/**
 * A defect's number as people say it: "#123", the number the server gave it in its project at create
 * (sync/numbering.py), the same on the plan's pin, in every list and on paper. A defect logged offline has
 * no number yet: it shows a provisional label from this device's own sequence ("新12") until it is synced.
 */
export function defectNo(d, t) {
  if (d?.number != null) return `#${d.number}`;
  return t('provisional_no', { n: d?._local_no ?? '' });
}

/** The short text on a plan pin: the number, or 新 (new) before the server numbered it. */
export function pinLabel(d, t) {
  return d?.number != null ? String(d.number) : t('provisional_pin');
}
