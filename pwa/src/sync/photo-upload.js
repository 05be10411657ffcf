/**
 * Photo uploads through the photo pipeline. Where the server stores photos in S3 (it says so in
 * /api/photos/upload-options), the bytes go straight to the bucket in presigned parts and never through
 * the app servers; the server keeps the session, so after an interruption the device asks which parts
 * the bucket holds and sends only the others, then asks the server to verify and record the photo.
 * Otherwise small files go in one PUT and larger ones in resumable chunks whose upload id and offset are
 * kept in the queue. Also downloads thumbnails of other people's photos for offline viewing.
 */
import { fetchPhoto } from '../photo/remote.js';
import { db, getMeta, setMeta } from '../store/db.js';
import { getBlob, hasBlob, photoUploaded, photosToUpload, putBlob, updatePhoto } from '../store/photos.js';
import { ApiError, OfflineError, getJson, request, sendJson } from './api.js';

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

export const URLS_PER_ASK = 20;

/** PUT one part to its presigned URL (no bearer token: the URL is the permission). */
async function putPart(url, body) {
  let res;
  try {
    res = await fetch(url, { method: 'PUT', body });
  } catch (e) {
    throw new OfflineError(String(e?.message ?? e));
  }
  if (!res.ok) throw new OfflineError(`storage answered ${res.status}`); // an expired URL: ask again next pass
}

async function uploadDirect(p, bytes) {
  // The same photo finds its unfinished session again, with the parts the bucket already holds.
  const state = await sendJson('POST', '/api/photos/multipart-uploads', { sha256: p.sha256, size: p.size, mime: p.mime });
  if (state.photo) return;
  const id = state.upload_id;
  await updatePhoto(p.sha256, { upload_id: id, method: 'direct' });
  const have = new Set(state.received);
  const todo = [];
  for (let n = 1; n <= state.parts; n += 1) if (!have.has(n)) todo.push(n);
  for (let i = 0; i < todo.length; i += URLS_PER_ASK) {
    const { urls } = await sendJson('POST', `/api/photos/multipart-uploads/${id}/parts`, {
      parts: todo.slice(i, i + URLS_PER_ASK),
    });
    for (const u of urls) {
      const start = (u.part - 1) * state.part_size;
      await putPart(u.url, bytes.slice(start, start + u.size));
    }
  }
  await sendJson('POST', `/api/photos/multipart-uploads/${id}/complete`);
}

/** Whether this server takes photos straight to its bucket (asked once per pass; an old server: no). */
async function directUploads() {
  try {
    return (await getJson('/api/photos/upload-options')).direct === true;
  } catch (e) {
    if (e instanceof ApiError) return false;
    throw e;
  }
}

/** Upload every queued photo; a refusal marks that photo (the others go on), no network stops the pass. */
export async function uploadQueuedPhotos(progress = () => {}) {
  const queue = await photosToUpload();
  let done = 0;
  const direct = queue.length ? await directUploads() : false;
  for (const p of queue) {
    const blob = await getBlob(p.sha256, 'display');
    if (!blob) {
      await updatePhoto(p.sha256, { state: 'error', message: '本机照片数据丢失 / The photo data is missing on this device' });
      continue;
    }
    try {
      if (direct) await uploadDirect(p, blob.bytes);
      else if (p.size > CHUNKED_ABOVE) await uploadChunked(p, blob.bytes);
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
        await fetchPhoto(sha, 'thumb'); // cached; one still being made (202) is fetched on a later pass
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
      }
      done += 1;
      progress(done, done + todo.length);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}
