/**
 * "可能重复": while logging, an open defect of the same unit and type in the same room or close by on the
 * plan is offered instead of a new one (the server flags the pairs that still arrive from two devices:
 * domain/rounds/duplicates.py uses the same distance).
 */

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
