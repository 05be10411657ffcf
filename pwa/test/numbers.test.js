import { beforeEach, describe, expect, it } from 'vitest';
import { MESSAGES } from '../src/i18n/messages.js';
import { getDefect } from '../src/store/defects.js';
import { defectNo, pinLabel } from '../src/store/numbers.js';
import { record, settle } from '../src/store/outbox.js';
import { freshDb, serverDefect } from './helpers.js';

const t = (key, vars = {}) => MESSAGES.zh[key].replace('{n}', String(vars.n ?? ''));
const ID = 'aaaaaaaa-0000-4000-8000-000000000001';

beforeEach(freshDb);

describe('defect numbers', () => {
  it('shows a provisional label for a defect logged offline, then the number the server gave it', async () => {
    await record([{ name: 'defect.status', args: { id: 'x', action: 'void', from: 'open' } }]); // seq 1
    const [m] = await record([
      { name: 'defect.create', args: { id: ID, unit_id: 10, type_id: 7 }, local: { project_id: 1 } },
    ]);
    const local = await getDefect(ID);
    expect(local.number).toBe(null);
    expect(defectNo(local, t)).toBe(`新${m.seq}`);
    expect(pinLabel(local, t)).toBe('新');

    await settle([m], { results: [{ seq: m.seq, status: 'applied', defect: serverDefect({ number: 123 }) }] });
    const synced = await getDefect(ID);
    expect(defectNo(synced, t)).toBe('#123');
    expect(pinLabel(synced, t)).toBe('123');
  });

  it('keeps the number when the defect changes on the device', async () => {
    const [m] = await record([{ name: 'defect.create', args: { id: ID, unit_id: 10, type_id: 7 }, local: { project_id: 1 } }]);
    await settle([m], { results: [{ seq: m.seq, status: 'applied', defect: serverDefect({ number: 7 }) }] });
    await record([{ name: 'defect.update', args: { id: ID, fields: { description: 'x' } } }]);
    expect(defectNo(await getDefect(ID), t)).toBe('#7');
  });
});
