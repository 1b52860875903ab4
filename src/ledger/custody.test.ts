import { describe, expect, it } from 'vitest';
import { isVigilError } from '../shared/errors.js';
import { parseCanonical } from './canonical-json.js';
import { CUSTODY_FORMAT, type CustodyEvent, custodyLeaf, parseCustodyEvent } from './custody.js';

const SHA = 'a'.repeat(64);
const base: CustodyEvent = {
  format: CUSTODY_FORMAT,
  type: 'collected',
  time: '2026-11-02T09:30:00.000Z',
  actor: { id: 'analyst-7' },
  evidence: [
    { id: 'ev_0123456789abcdef', sha256: SHA, size: 10, name: 'a.html', mediaType: 'text/html' },
  ],
  case: 'CASE-1',
  purpose: 'Preserve the advertisement',
  tool: { name: 'vigil', version: '0.1.0' },
  host: 'workstation-3',
};

function rejects(event: unknown): string | undefined {
  try {
    parseCustodyEvent(event);
  } catch (error) {
    if (isVigilError(error, 'CUSTODY_EVENT_INVALID')) return String(error.details?.field);
    throw error;
  }
  return undefined;
}

describe('custody events', () => {
  it('have canonical leaf bytes that parse back to the same event', () => {
    const leaf = custodyLeaf(base);
    expect(parseCanonical(leaf)).toEqual(base);
    // Field order in the object does not change the leaf.
    const reordered = Object.fromEntries(Object.entries(base).reverse());
    expect(custodyLeaf(reordered as CustodyEvent)).toEqual(leaf);
  });

  it('name the field that breaks the schema', () => {
    expect(rejects({ ...base, type: 'stolen' })).toBe('type');
    expect(rejects({ ...base, time: '2026-11-02 09:30' })).toBe('time');
    expect(rejects({ ...base, time: '2026-11-02T09:30:00.000+01:00' })).toBe('time');
    expect(rejects({ ...base, actor: {} })).toBe('actor.id');
    expect(rejects({ ...base, evidence: [] })).toBe('evidence');
    expect(rejects({ ...base, evidence: [{ ...base.evidence[0], sha256: 'ABC' }] })).toBe(
      'evidence.0.sha256',
    );
    expect(rejects({ ...base, purpose: 'line\nbreak' })).toBe('purpose');
    expect(rejects({ ...base, extra: 1 })).toBe('event');
    expect(rejects({ ...base, format: 'vigil.custody/v2' })).toBe('format');
  });

  it('require what each type of event must say', () => {
    const ref = { id: 'ev_0123456789abcdef', sha256: SHA };
    expect(rejects({ ...base, evidence: [ref] })).toBe('evidence.0.size');
    expect(rejects({ ...base, type: 'derived' })).toBe('derivedFrom');
    expect(rejects({ ...base, type: 'transferred', evidence: [ref] })).toBe('counterparty');
    expect(rejects({ ...base, type: 'annotated', evidence: [ref] })).toBe('note');
    expect(rejects({ ...base, type: 'accessed', evidence: [ref, ref] })).toBe('evidence');
    expect(
      rejects({ ...base, type: 'annotated', evidence: [ref], note: 'two\nlines are fine' }),
    ).toBeUndefined();
    expect(rejects({ ...base, type: 'accessed', evidence: [ref] })).toBeUndefined();
  });
});
