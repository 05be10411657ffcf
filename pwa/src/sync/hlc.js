/**
 * Hybrid logical clock, as the wire contract spells it: "{physical_ms:013d}:{counter:05d}:{device_id}".
 * Strings compare in the same order as the clocks, so the server and the device can sort them as text.
 */

export function formatHlc(pt, c, node) {
  return `${String(pt).padStart(13, '0')}:${String(c).padStart(5, '0')}:${node}`;
}

export function parseHlc(s) {
  if (typeof s !== 'string') return null;
  const m = /^(\d{13}):(\d{5}):(.*)$/.exec(s);
  return m ? { pt: Number(m[1]), c: Number(m[2]), node: m[3] } : null;
}

/** The next local stamp after `last` ({pt, c}), at wall time `now`. */
export function tick(last, now) {
  if (now > last.pt) return { pt: now, c: 0 };
  return { pt: last.pt, c: last.c + 1 };
}

/** Fold a remote stamp into our clock so our next stamp sorts after everything we have seen. */
export function receive(last, remote, now) {
  const r = parseHlc(remote);
  if (!r) return last;
  const pt = Math.max(last.pt, r.pt, now);
  let c;
  if (pt === last.pt && pt === r.pt) c = Math.max(last.c, r.c) + 1;
  else if (pt === last.pt) c = last.c + 1;
  else if (pt === r.pt) c = r.c + 1;
  else c = 0;
  return { pt, c };
}
