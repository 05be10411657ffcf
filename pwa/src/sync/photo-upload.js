/**
 * Photo uploads through the photo pipeline. Small files go in one PUT; larger ones in resumable
 * chunks whose upload id and offset are kept in the queue, so an interrupted upload continues where
 * the server says it stopped. Also downloads thumbnails of other people's photos for offline viewing.
 */
import { getBlob, hasBlob, photoUploaded, photosToUpload, putBlob, updatePhoto } from '../store/photos.js';
import { ApiError, getJson, request, sendJson } from './api.js';

export const CHUNKED_ABOVE = 2 * 1024 * 1024;
export const CHUNK_SIZE = 1024 * 1024;

async function uploadWhole(p, bytes) {
  await request(`/api/photos/${p.sha256}`, { method: 'PUT', body: bytes, headers: { 'Content-Type': p.mime } });
}

async function uploadChunked(p, bytes) {
  let { upload_id: uploadId, offset } = p;
  if (uploadId) {
    try {
      offset = (await getJson(`/api/photos/uploads/${uploadId}`)).offset;
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
      uploadId = null; // expired on the server: start again
    }
  }
  if (!uploadId) {
    const started = await sendJson('POST', '/api/photos/uploads', { sha256: p.sha256, size: p.size, mime: p.mime });
    uploadId = started.upload_id;
    offset = started.offset ?? 0;
    await updatePhoto(p.sha256, { upload_id: uploadId, offset });
  }
  while (offset < p.size) {
    const chunk = bytes.slice(offset, Math.min(offset + CHUNK_SIZE, p.size));
    const res = await request(`/api/photos/uploads/${uploadId}`, {
      method: 'PUT',
      body: chunk,
      headers: { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
    });
    offset = (await res.json()).offset;
    await updatePhoto(p.sha256, { offset });
  }
}

/** Upload every queued photo; a refusal marks that photo (the others go on), no network stops the pass. */
export async function uploadQueuedPhotos(progress = () => {}) {
  const queue = await photosToUpload();
  let done = 0;
  for (const p of queue) {
    const blob = await getBlob(p.sha256, 'display');
    if (!blob) {
      await updatePhoto(p.sha256, { state: 'error', message: '本机照片数据丢失 / The photo data is missing on this device' });
      continue;
    }
    try {
      if (p.size > CHUNKED_ABOVE) await uploadChunked(p, blob.bytes);
      else await uploadWhole(p, blob.bytes);
      await photoUploaded(p.sha256);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      await updatePhoto(p.sha256, { state: 'error', message: e.message });
    }
    done += 1;
    progress(done, queue.length);
  }
  return done;
}

/** Download thumbnails we don't have yet (4 at a time); failures are left for the next pass. */
export async function fetchMissingThumbs(shas, progress = () => {}) {
  const todo = [];
  for (const s of new Set(shas)) if (!(await hasBlob(s, 'thumb')) && !(await hasBlob(s, 'display'))) todo.push(s);
  let done = 0;
  const worker = async () => {
    while (todo.length) {
      const sha = todo.pop();
      try {
        const res = await request(`/api/photos/${sha}?size=thumb`);
        const bytes = await res.arrayBuffer();
        await putBlob(sha, 'thumb', { bytes, mime: res.headers.get('Content-Type') || 'image/jpeg' });
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
      }
      done += 1;
      progress(done, done + todo.length);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}
