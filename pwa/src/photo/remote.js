/**
 * Photos from the server, for showing. The server acknowledges an upload before an image worker has made
 * its thumbnail and display copy; until then it answers 202 ("derivatives pending") for them. A photo
 * taken on this device keeps its local copy, so it shows at once; one from another device shows a
 * waiting mark and is asked for again after the Retry-After the server gave. A 202 is never cached.
 */
import { bestBlob, putBlob } from '../store/photos.js';
import { request } from '../sync/api.js';

/** {bytes, mime} (and cached), or {pending: true, retryAfter} while the server is still making it. */
export async function fetchPhoto(sha256, size) {
  const res = await request(`/api/photos/${sha256}?size=${size}`);
  if (res.status === 202) {
    const retryAfter = Math.min(60, Math.max(1, Number(res.headers.get('Retry-After')) || 2));
    return { pending: true, retryAfter };
  }
  const b = { bytes: await res.arrayBuffer(), mime: res.headers.get('Content-Type') || 'image/jpeg' };
  await putBlob(sha256, size, b);
  return b;
}

/** What to show: the local copy first, else the server's; {blob, pending, retryAfter}. */
export async function photoForShowing(sha256, size, online = navigator.onLine) {
  const local = await bestBlob(sha256, size);
  if (local) return { blob: local, pending: false };
  if (!online) return { blob: null, pending: false };
  try {
    const got = await fetchPhoto(sha256, size);
    if (got.pending) return { blob: null, pending: true, retryAfter: got.retryAfter };
    return { blob: got, pending: false };
  } catch {
    return { blob: null, pending: false };
  }
}
