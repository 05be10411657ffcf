/** What the inspector does, as outbox entries: saved on the device at once, synced when possible. */
import { getMeta, setMeta } from '../store/db.js';
import { saveAnnotation } from '../store/annotations.js';
import { discard, record, retry } from '../store/outbox.js';
import { discardPhoto, retryPhoto } from '../store/photos.js';
import { emit } from './bus.js';
import { currentInspection, refs } from './refs.js';

let syncSoon = () => {};

export function setSyncTrigger(fn) {
  syncSoon = fn;
}

async function userId() {
  return (await getMeta('session'))?.user?.id ?? null;
}

async function userRole() {
  return (await getMeta('session'))?.user?.role ?? null;
}

async function commit(entries, photos = []) {
  const queued = await record(entries, photos);
  emit('data');
  syncSoon();
  return queued;
}

const photoRows = (defectId, photos) =>
  photos.map((p) => ({
    sha256: p.sha256,
    mime: p.mime,
    size: p.size,
    bytes: p.bytes,
    thumb: p.thumb,
    defect_id: defectId,
  }));

/** A new defect on a unit: photos are compressed already ({sha256, bytes, …}). Returns its id. */
export async function createDefect({ unitId, typeId, severity, description, roomId, pinX, pinY, photos = [], ownerRaised = false }) {
  const { id, entry, rows } = await defectEntry({ unitId, typeId, severity, description, roomId, pinX, pinY, photos, ownerRaised });
  await commit([entry], rows);
  return id;
}

async function defectEntry({ unitId, typeId, severity, description, roomId, pinX, pinY, photos = [], inspectionId, ownerRaised = false }) {
  const unit = refs.unitById.get(unitId);
  const type = refs.typeById.get(typeId);
  const id = crypto.randomUUID();
  const args = { id, unit_id: unitId, type_id: typeId, severity: severity || type?.default_severity || 'B' };
  if (description) args.description = description;
  if (roomId != null) args.room_id = roomId;
  if (pinX != null) Object.assign(args, { pin_x: round4(pinX), pin_y: round4(pinY) });
  const insp = inspectionId ? { id: inspectionId } : currentInspection(unit?.project_id, unit?.building_id);
  if (insp) args.inspection_id = insp.id;
  if (photos.length) args.photos = photos.map((p) => ({ sha256: p.sha256, kind: 'before' }));
  if (ownerRaised) args.owner_raised = true;
  const local = { project_id: unit?.project_id ?? null, user_id: await userId(), role: await userRole() };
  return { id, entry: { name: 'defect.create', args, local }, rows: photoRows(id, photos) };
}

/**
 * Answer one checklist item in a room of a unit in a round: pass / fail / na, or a measured value judged
 * by the tolerance. A failure creates its defect (type, room, the measurement as description) in the same
 * save, once; returns the defect's id when one was created.
 */
export async function answerItem({ round, unit, roomId, item, result, measured = null, previous = null, description }) {
  const args = { inspection_id: round.id, unit_id: unit.id, item_id: item.id, room_id: roomId, result };
  if (measured != null) args.measured = measured;
  const entries = [];
  let created = null;
  let defectId = previous?.defect_id ?? null;
  if (result === 'fail' && !defectId && item.type_id) {
    const made = await defectEntry({
      unitId: unit.id,
      typeId: item.type_id,
      description,
      roomId: roomId || null,
      inspectionId: round.id,
    });
    entries.push(made.entry);
    created = made.id;
    defectId = made.id;
  }
  if (defectId) args.defect_id = defectId;
  entries.push({ name: 'checklist.result', args });
  await commit(entries);
  return created;
}

/** Void `dup` as a duplicate of `into` (its photos and comments move over on the server). */
export async function mergeDefect(dup, into) {
  await commit([{ name: 'defect.merge', args: { id: dup.id, into: into.id } }]);
}

const round4 = (v) => Math.round(v * 10000) / 10000;

/** Only the fields that changed are sent (last writer wins per field on the server). */
export async function updateDefect(defect, fields) {
  const changed = {};
  for (const [k, v] of Object.entries(fields)) if (defect[k] !== v) changed[k] = v;
  if (Object.keys(changed).length === 0) return;
  await commit([{ name: 'defect.update', args: { id: defect.id, fields: changed } }]);
}

export async function changeStatus(defect, action, extra = {}) {
  const args = { id: defect.id, action, from: defect.status };
  for (const [k, v] of Object.entries(extra)) if (v !== '' && v != null) args[k] = v;
  await commit([{ name: 'defect.status', args, local: { role: await userRole() } }]);
}

/** 电话回访: staff called the owner of a unit whose items are closed and unrated; the owner's score and
 * remark become the follow-up visit of each item (the server marks them as given by phone). */
export async function recordPhoneVisit(items, satisfaction, remark) {
  const note = remark.trim().slice(0, 2000);
  const role = await userRole();
  const entries = items.map((d) => {
    const args = { id: d.id, action: 'visit', from: 'closed', satisfaction };
    if (note) args.note = note;
    return { name: 'defect.status', args, local: { role } };
  });
  await commit(entries);
}

/** 到访签到 by staff at the door: queued like every change, so it works with no signal (once per unit). */
export async function checkInUnit(roundId, unitId) {
  await commit([{ name: 'checkin.record', args: { inspection_id: roundId, unit_id: unitId } }]);
}

export async function addPhotos(defect, photos, kind = 'before') {
  const entries = photos.map((p) => ({ name: 'defect.photo_add', args: { id: defect.id, sha256: p.sha256, kind } }));
  await commit(entries, photoRows(defect.id, photos));
}

export async function removePhoto(defect, sha256) {
  await commit([{ name: 'defect.photo_remove', args: { id: defect.id, sha256 } }]);
}

export async function addComment(defect, body) {
  const local = { user_id: await userId() };
  await commit([{ name: 'defect.comment', args: { id: defect.id, comment_id: crypto.randomUUID(), body }, local }]);
}

/** Photo mark-up: saved on the device, sent through the outbox (photo.annotate) once its photo is on the
 * server. `base` is the version the inspector started from (its clock, from the server or the last sync). */
export async function saveAnnotations(sha256, shapes, base = '') {
  await saveAnnotation(sha256, shapes, base);
  emit('data');
  syncSoon();
}

/** Send a refused change again (it gets a new sequence number) and sync now. */
export async function retryMutation(seq) {
  await retry(seq);
  emit('data');
  syncSoon();
}

/** Give up a refused change: the device shows the server's copy again. */
export async function discardMutation(seq) {
  await discard(seq);
  emit('data');
}

export async function retryUpload(sha256) {
  await retryPhoto(sha256);
  emit('data');
  syncSoon();
}

export async function discardUpload(sha256) {
  await discardPhoto(sha256);
  emit('data');
}

/** The owner's and the inspector's signatures over what was found (陪验签字), kept on the device and
 * synced like every other change. `items` is the list as the owner saw it. Returns the record id. */
export async function signWalkthrough({ unitId, inspectionId, ownerName, remarks, items, ownerSig, inspectorSig }) {
  const id = crypto.randomUUID();
  const args = {
    id,
    unit_id: unitId,
    inspection_id: inspectionId,
    owner_name: ownerName,
    owner_remarks: remarks,
    items,
    owner_signature: ownerSig,
    inspector_signature: inspectorSig,
  };
  await commit([{ name: 'walkthrough.sign', args }]);
  const key = `walkthroughs:${unitId}`;
  const signed = (await getMeta(key)) ?? [];
  signed.push({ id, inspection_id: inspectionId, items: items.map((i) => i.id), signed_at: new Date().toISOString() });
  await setMeta(key, signed);
  return id;
}
