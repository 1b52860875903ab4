import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, VigilError } from '../src/shared/errors.js';

const catalogue = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
const documented = [...catalogue.matchAll(/^### ([A-Z0-9_]+)$/gm)].map((m) => m[1]);

describe('error catalogue (docs/errors.md)', () => {
  it('documents every code the code defines', () => {
    expect(ERROR_CODES.filter((code) => !documented.includes(code))).toEqual([]);
  });

  it('documents nothing the code does not define', () => {
    expect(
      documented.filter((code) => !(ERROR_CODES as readonly string[]).includes(code ?? '')),
    ).toEqual([]);
  });

  it('gives every code an explanation', () => {
    for (const code of ERROR_CODES) {
      const section = catalogue.split(`### ${code}\n`)[1]?.split('\n### ')[0] ?? '';
      expect(section.trim().length, code).toBeGreaterThan(30);
    }
  });

  it('never renders the cause of an error', () => {
    const error = new VigilError('INPUT_UNREADABLE', 'Cannot read the file.', {
      cause: new Error('EACCES /home/secret/path'),
    });
    expect(JSON.stringify(error)).not.toContain('secret');
    expect(error.toJSON()).toEqual({ code: 'INPUT_UNREADABLE', message: 'Cannot read the file.' });
  });
});
