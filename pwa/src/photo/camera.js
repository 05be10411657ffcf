/** The live camera on the page: whether the browser can stream it, and a frame of it as a JPEG file. */

/** Whether this browser can show a live camera at all (else the side-by-side fallback). */
export function canStream(nav = globalThis.navigator) {
  return typeof nav?.mediaDevices?.getUserMedia === 'function';
}

/** The video's current frame as a JPEG file at the camera's resolution (compressed later like any photo). */
export async function grabFrame(video, notReady = 'camera not ready') {
  if (!video?.videoWidth) throw new Error(notReady);
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('capture failed'))), 'image/jpeg', 0.92),
  );
  return new File([blob], `after-${Date.now()}.jpg`, { type: 'image/jpeg' });
}
