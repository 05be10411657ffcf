import { afterEach, describe, expect, it, vi } from 'vitest';
import { ERRORS, canRetry, describeError } from '../src/i18n/errors.js';
import { setLang } from '../src/i18n/index.js';
import { ApiError, OfflineError, getJson, sendJson, setToken } from '../src/sync/api.js';
import { fakeFetch } from './helpers.js';

const problem = (status, code, detail, extra = {}) => () => ({
  status,
  json: { type: `/api/errors#${code}`, code, title: code, status, detail, message: detail, ...extra },
  headers: { 'Content-Type': 'application/problem+json' },
});

afterEach(() => {
  vi.unstubAllGlobals();
  setLang('zh');
  setToken(null);
});

describe('server errors are worded by their code', () => {
  it('words a refusal from the catalogue, in Chinese by default and English on the switch', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'POST /api/auth/login': problem(401, 'login_failed', 'Wrong username or password') }));
    const zh = await sendJson('POST', '/api/auth/login', {}).catch((e) => e);
    expect(zh).toBeInstanceOf(ApiError);
    expect(zh.code).toBe('login_failed');
    expect(zh.message).toBe(ERRORS.login_failed.zh);
    setLang('en');
    const en = await sendJson('POST', '/api/auth/login', {}).catch((e) => e);
    expect(en.message).toBe(ERRORS.login_failed.en);
    expect(en.detail).toBe('Wrong username or password');
  });

  it('keeps field errors and parameters for the form that sent them', async () => {
    const body = { errors: { json: { username: ['Missing data for required field.'] } }, params: { n: 1 } };
    vi.stubGlobal('fetch', fakeFetch({ 'POST /api/users': problem(422, 'invalid', 'bad', body) }));
    const e = await sendJson('POST', '/api/users', {}).catch((x) => x);
    expect(e.status).toBe(422);
    expect(e.fieldErrors).toEqual(body.errors);
    expect(e.params).toEqual({ n: 1 });
  });

  it('treats a busy or failing server as "try later", worded', async () => {
    vi.stubGlobal('fetch', fakeFetch({ 'GET /api/projects': problem(429, 'rate_limited', 'slow down') }));
    const e = await getJson('/api/projects').catch((x) => x);
    expect(e).toBeInstanceOf(OfflineError);
    expect(e.code).toBe('rate_limited');
    expect(e.message).toBe(ERRORS.rate_limited.zh);
  });

  it("shows a newer server's unknown code with the server's own text, and an older server's message", async () => {
    expect(describeError({ code: 'some_future_code', message: '新的原因 / A new reason' })).toBe('新的原因 / A new reason');
    vi.stubGlobal('fetch', fakeFetch({ 'GET /api/old': () => ({ status: 403, json: { code: 403, message: '旧 / old' } }) }));
    const e = await getJson('/api/old').catch((x) => x);
    expect(e.code).toBe(null);
    expect(e.message).toBe('旧 / old');
  });
});

describe('retry is offered only where it can succeed', () => {
  it('offers retry for transient codes and for refusals without a code', () => {
    for (const code of ['internal', 'unavailable', 'rate_limited', 'unauthorized', 'conflict']) expect(canRetry(code)).toBe(true);
    expect(canRetry(null)).toBe(true);
  });

  it('offers only discard where the same mutation would be refused again', () => {
    for (const code of ['forbidden', 'not_found', 'invalid', 'json_too_deep', 'payload_too_large']) expect(canRetry(code)).toBe(false);
  });

  it('words every code in both languages with what to do next', () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      expect(entry.zh, code).toMatch(/[。！]/);
      expect(entry.en, code).toMatch(/\.$/);
    }
  });
});
