/**
 * DESIGN.md: pure modules take the clock, randomness and configuration as inputs. The import
 * rules are checked by dependency-cruiser (npm run depcheck); this test checks the globals it
 * cannot see.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PURE_MODULES = ['analyze', 'corpus', 'law', 'ledger', 'share', 'shared', 'workflow'];
const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bprocess\./, 'process (environment, resources)'],
  [/\bDate\.now\(/, 'the wall clock'],
  [/\bnew Date\(\)/, 'the wall clock'],
  [/\bMath\.random\(/, 'unseeded randomness'],
  [/\bperformance\.now\(/, 'the clock'],
  [/\bsetTimeout\(|\bsetInterval\(/, 'timers'],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('pure modules', () => {
  for (const module of PURE_MODULES) {
    it(`${module} uses no clock, randomness or process state`, () => {
      const root = new URL(`../src/${module}`, import.meta.url).pathname;
      const offences: string[] = [];
      for (const file of sources(root)) {
        const code = readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => !line.trim().startsWith('//') && !line.trim().startsWith('*'))
          .join('\n');
        for (const [pattern, what] of FORBIDDEN) {
          if (pattern.test(code)) offences.push(`${file.slice(root.length + 1)} uses ${what}`);
        }
      }
      expect(offences).toEqual([]);
    });
  }
});
