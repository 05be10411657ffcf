import { describe, expect, it } from 'vitest';
import { canStream, grabFrame } from '../src/photo/camera.js';

describe('the after-photo camera', () => {
  it('streams only where the browser has getUserMedia (else the before-photo goes side by side)', () => {
    expect(canStream({ mediaDevices: { getUserMedia: () => {} } })).toBe(true);
    expect(canStream({ mediaDevices: undefined })).toBe(false);
    expect(canStream({})).toBe(false);
    expect(canStream(undefined)).toBe(false);
  });

  it('refuses to capture before the camera shows a picture', async () => {
    await expect(grabFrame({ videoWidth: 0 }, 'not ready')).rejects.toThrow('not ready');
  });
});
