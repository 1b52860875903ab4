/**
 * The legal knowledge base's files against their schema: every fact has a source the file
 * lists and a verification tag, every value is in the vocabulary. This is the check that fails
 * the build on a fact without a source.
 */
import { describe, expect, it } from 'vitest';
import { readLawData } from '../src/cli/law-files.js';
import { loadLawData } from '../src/law/schema.js';
import { isVigilError } from '../src/shared/errors.js';

const LAW_DIR = new URL('../law/', import.meta.url).pathname;

describe('the legal data', () => {
  it('validates, every fact with a listed source', () => {
    const law = readLawData(LAW_DIR);
    expect(law.instruments.map((i) => i.id)).toContain('palermo');
  });

  it('refuses a fact without a source, and a source key the file does not list', () => {
    const base = {
      id: 'XX',
      name: 'Testland',
      lastVerified: '2026-01-01',
      sources: { 'XX-1': { title: 'Penal Code', kind: 'statute' } },
    };
    const withFact = (sources: string[]) => ({
      ...base,
      memberships: [{ instrument: 'palermo', status: 'party', sources, verification: 'P' }],
    });
    const palermo = readLawData(LAW_DIR).instruments.find((i) => i.id === 'palermo');
    const instruments = { 'palermo.yaml': palermo };
    const refused = (jurisdiction: unknown) => {
      try {
        loadLawData({ instruments, jurisdictions: { 'xx.yaml': jurisdiction } });
        return undefined;
      } catch (error) {
        return isVigilError(error) ? error : undefined;
      }
    };
    expect(refused(withFact(['XX-1']))).toBeUndefined();
    expect(refused(withFact([]))?.message).toMatch(/at least one source/);
    expect(refused(withFact(['XX-2']))?.message).toMatch(/cites source XX-2/);
    expect(refused(withFact(['XX-1']))).toBeUndefined();
    expect(
      refused({
        ...withFact(['XX-1']),
        memberships: [{ instrument: 'palermo', status: 'party', sources: ['XX-1'] }],
      })?.code,
    ).toBe('LAW_DATA_INVALID');
  });
});
