/**
 * Reads the legal knowledge base from its YAML files (law/instruments/*.yaml,
 * law/jurisdictions/*.yaml, shipped with the package) and validates it (src/law/schema.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type LawData, loadLawData } from '../law/schema.js';
import { VigilError } from '../shared/errors.js';

/** The package's own law/ folder (dist/cli → ../../law). */
export const BUILTIN_LAW_DIR = fileURLToPath(new URL('../../law/', import.meta.url));

function readFolder(dir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.yaml'))
    .sort()) {
    const path = join(dir, name);
    try {
      out[name] = parse(readFileSync(path, 'utf8'), { maxAliasCount: 100 });
    } catch (cause) {
      throw new VigilError('LAW_DATA_INVALID', `The legal data file ${name} is not valid YAML.`, {
        details: { file: name },
        cause,
      });
    }
  }
  return out;
}

export function readLawData(dir = BUILTIN_LAW_DIR): LawData {
  return loadLawData({
    instruments: readFolder(join(dir, 'instruments')),
    jurisdictions: readFolder(join(dir, 'jurisdictions')),
  });
}
