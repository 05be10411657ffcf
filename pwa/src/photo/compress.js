/**
 * Photo compression, in a worker when the browser has OffscreenCanvas (else on the page):
 * decode with EXIF orientation applied, scale the long edge to ≤ 2048 px, keep the canvas under
 * Safari's 16,777,216-pixel limit, and encode JPEG, lowering quality until it is about 500 KB.
 * A 320 px thumbnail is made from the same canvas. The bytes are hashed (SHA-256) for the pipeline.
 */

export const MAX_EDGE = 2048;
export const THUMB_EDGE = 320;
export const TARGET_BYTES = 500 * 1024;
export const SAFARI_MAX_CANVAS_PIXELS = 16_777_216;
const QUALITIES = [0.82, 0.74, 0.66, 0.58, 0.5];

/** Output size for a w×h source: long edge ≤ maxEdge, area ≤ Safari's canvas limit, never upscaled. */
export function fitSize(w, h, maxEdge = MAX_EDGE, maxPixels = SAFARI_MAX_CANVAS_PIXELS) {
  let scale = Math.min(1, maxEdge / Math.max(w, h));
  if (w * scale * (h * scale) > maxPixels) scale = Math.sqrt(maxPixels / (w * h));
  return { width: Math.max(1, Math.floor(w * scale)), height: Math.max(1, Math.floor(h * scale)) };
}

function makeCanvas(w, h) {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(w, h);
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  return c;
}

function encode(canvas, quality) {
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: 'image/jpeg', quality });
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encode failed'))), 'image/jpeg', quality),
  );
}

/** Decode respecting EXIF orientation: createImageBitmap, or an <img> on the page (Safari HEIC, old engines). */
async function decode(blob) {
  try {
    return await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch (e) {
    if (typeof document === 'undefined') throw e;
    const url = URL.createObjectURL(blob);
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      return img; // <img> applies EXIF orientation (CSS image-orientation: from-image is the default)
    } finally {
      URL.revokeObjectURL(url);
    }
  }
}

function draw(source, width, height) {
  const canvas = makeCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  return canvas;
}

export async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** blob (camera file) → {bytes, mime, size, width, height, sha256, thumb: {bytes, mime}}. */
export async function compressPhoto(blob, { maxEdge = MAX_EDGE, targetBytes = TARGET_BYTES } = {}) {
  const source = await decode(blob);
  const sw = source.width ?? source.naturalWidth;
  const sh = source.height ?? source.naturalHeight;
  const { width, height } = fitSize(sw, sh, maxEdge);
  const canvas = draw(source, width, height);
  source.close?.();
  let out = null;
  for (const q of QUALITIES) {
    out = await encode(canvas, q);
    if (out.size <= targetBytes) break;
  }
  const t = fitSize(width, height, THUMB_EDGE);
  const thumb = await encode(draw(canvas, t.width, t.height), 0.7);
  const bytes = await out.arrayBuffer();
  return {
    bytes,
    mime: 'image/jpeg',
    size: bytes.byteLength,
    width,
    height,
    sha256: await sha256Hex(bytes),
    thumb: { bytes: await thumb.arrayBuffer(), mime: 'image/jpeg' },
  };
}
