/**
 * "可能重复": while logging, an open defect of the same unit and type in the same room or close by on the
 * plan is offered instead of a new one (the server flags the pairs that still arrive from two devices:
 * domain/rounds/duplicates.py uses the same distance).
 */
import { getReference, putReference, projectKey } from './reference.js';

export const NEAR = 0.05; // on the plan (0..1 across the image)
const OPEN = new Set(['open', 'assigned', 'fixed']);

export function possibleDuplicates(defects, draft) {
  if (!draft.unit_id || !draft.type_id) return [];
  return defects.filter((d) => {
    if (d.id === draft.id || d.unit_id !== draft.unit_id || d.type_id !== draft.type_id || !OPEN.has(d.status)) {
      return false;
    }
    if (d.pin_x != null && draft.pin_x != null) {
      const dx = d.pin_x - draft.pin_x;
      const dy = d.pin_y - draft.pin_y;
      if (dx * dx + dy * dy <= NEAR * NEAR) return true;
    }
    return draft.room_id != null && d.room_id != null && d.room_id === draft.room_id;
  });
}

/**
 * 疑似重复 from the server: the pairs the push recorded when the same problem arrived from two tablets
 * (GET /api/projects/<id>/duplicates, kept as reference "<project>:duplicates" by each sync pass for the
 * roles that may merge them), so the list and its badges show offline too.
 */
export const suspectsKey = (projectId) => projectKey(projectId, 'duplicates');

export async function suspectsOf(projectId) {
  return (await getReference(suspectsKey(projectId))) ?? [];
}

export async function putSuspects(projectId, list) {
  await putReference(suspectsKey(projectId), list);
}

/** Forget a pair once it is merged or dismissed on this device (the next sync pass confirms it). */
export async function settleSuspect(projectId, defectId, intoId) {
  const list = await suspectsOf(projectId);
  await putSuspects(
    projectId,
    list.filter((s) => !(s.defect_id === defectId && s.duplicate_of_id === intoId)),
  );
}

/** The pairs still worth asking about: both defects known here and open (a merge made offline voids one). */
export function openSuspects(list, defectById) {
  return list.filter((s) => {
    const a = defectById(s.defect_id);
    const b = defectById(s.duplicate_of_id);
    return a && b && OPEN.has(a.status) && OPEN.has(b.status);
  });
}

/** The pairs one defect is part of, on either side. */
export function suspectsOfDefect(list, defectId) {
  return list.filter((s) => s.defect_id === defectId || s.duplicate_of_id === defectId);
}
