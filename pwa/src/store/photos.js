/**
 * The photo queue and the local blob cache. Photos are content-addressed (sha256), so an upload
 * interrupted at any point is simply tried again; the record that references a photo may reach the
 * server before or after its bytes.
 */
import { db } from './db.js';

export async function queuedPhotos() {
  return (await db()).getAll('photoQueue');
}

/** Photos still to upload, oldest first (ones the server refused wait for the inspector). */
export async function photosToUpload() {
  const all = await queuedPhotos();
  return all.filter((p) => p.state === 'pending').sort((a, b) => a.created_at.localeCompare(b.created_at));
}

export async function updatePhoto(sha256, patch) {
  const tx = (await db()).transaction('photoQueue', 'readwrite');
  const p = await tx.store.get(sha256);
  if (p) await tx.store.put({ ...p, ...patch });
  await tx.done;
}

/** The server has the bytes: the photo leaves the queue (its local copy stays in the blob cache). */
export async function photoUploaded(sha256) {
  await (await db()).delete('photoQueue', sha256);
}

export async function retryPhoto(sha256) {
  await updatePhoto(sha256, { state: 'pending', message: null, upload_id: null, offset: 0 });
}

export async function discardPhoto(sha256) {
  const tx = (await db()).transaction(['photoQueue', 'blobs'], 'readwrite');
  await tx.objectStore('photoQueue').delete(sha256);
  await tx.objectStore('blobs').delete(`${sha256}:display`);
  await tx.done;
}

export async function photoCounts() {
  const all = await queuedPhotos();
  const failed = all.filter((p) => p.state === 'error').length;
  return { pending: all.length - failed, failed };
}

/** {bytes, mime} for "<sha256>:<size>", or undefined. */
export async function getBlob(sha256, size) {
  return (await db()).get('blobs', `${sha256}:${size}`);
}

export async function putBlob(sha256, size, value) {
  await (await db()).put('blobs', value, `${sha256}:${size}`);
}

export async function hasBlob(sha256, size) {
  return (await (await db()).getKey('blobs', `${sha256}:${size}`)) !== undefined;
}

/** The best local copy to show: asked size first, then whatever we have. */
export async function bestBlob(sha256, size) {
  const order = size === 'thumb' ? ['thumb', 'display', 'original'] : [size, 'display', 'original', 'thumb'];
  for (const s of order) {
    const b = await getBlob(sha256, s);
    if (b) return b;
  }
  return undefined;
}
