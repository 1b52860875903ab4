/**
 * Where the indicator rules and weights come from on disk. The rules module compiles text; this
 * adapter only finds and reads the files.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileRules, parseRuleFile, type RuleSet } from '../analyze/rules.js';
import { parseWeights, type ScoringModel } from '../analyze/score.js';
import { VigilError } from '../shared/errors.js';

export interface RuleSource {
  readonly name: string;
  readonly text: string;
}

/** The rules shipped with Vigil: `rules/` at the package root (next to `dist/`). */
export const BUILTIN_RULES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../rules');

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VigilError(
      code === 'ENOENT' ? 'INPUT_NOT_FOUND' : 'INPUT_UNREADABLE',
      code === 'ENOENT'
        ? `${what} "${path}" does not exist.`
        : `Cannot read ${what} "${path}" (${code ?? 'error'}).`,
      { cause: error },
    );
  }
}

/** Reads rule files: each path is a YAML file or a folder of them (non-recursive). */
export async function readRuleSources(
  paths: readonly string[] = [BUILTIN_RULES_DIR],
): Promise<RuleSource[]> {
  const sources: RuleSource[] = [];
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch {
      // readText below reports the missing file with a clear message.
    }
    const files = isDir
      ? (await readdir(path))
          .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
          .sort()
          .map((f) => join(path, f))
      : [path];
    for (const file of files) {
      sources.push({
        name: file.slice(file.lastIndexOf('/') + 1),
        text: await readText(file, 'Rule file'),
      });
    }
  }
  if (sources.length === 0) {
    throw new VigilError('RULES_INVALID', `No rule files (*.yaml) found in ${paths.join(', ')}.`);
  }
  return sources;
}

export function compileRuleSources(sources: readonly RuleSource[]): RuleSet {
  return compileRules(sources.map((s) => parseRuleFile(s.name, s.text)));
}

/** "sex-trafficking@1.0.0, labour-recruitment@1.0.0, …": what a report says it ran. */
export function rulesVersion(sources: readonly RuleSource[]): string {
  return sources
    .map((s) => parseRuleFile(s.name, s.text))
    .map((f) => `${f.family}@${f.version}`)
    .join(', ');
}

export async function readWeights(path: string, rules: RuleSet): Promise<ScoringModel> {
  const text = await readText(path, 'Weights file');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new VigilError(
      'WEIGHTS_INVALID',
      `Weights file "${path}" is not valid JSON; write it with "vigil calibrate".`,
    );
  }
  return parseWeights(json, new Set(rules.rules.map((r) => r.id)));
}
