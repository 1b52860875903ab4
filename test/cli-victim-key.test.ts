/**
 * `vigil victim-key new|rotate` through the built binary on a fresh SQLite data folder: `new`
 * prints a random key; a victim's data sealed under key A opens with key B after a rotation
 * (new key from VIGIL_NEW_VICTIM_MASTER_KEY) and no longer with A; a second run rewraps
 * nothing; a record under a third key makes the rotation exit non-zero and is left as it is,
 * while the others move on to the key given with --new-key-file. Keys never appear in output.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const LEAD = 'lead@example.org';

/** Synthetic victim data: a fictional name and a number from a fictional range. */
const VICTIM = {
  names: ['Quilla Testrecord'],
  contact: [{ kind: 'phone', value: '+15555550177' }],
};
const STRANGER = { names: ['Orrin Testrecord'] };

/** The environment without any Vigil setting of the host, plus the given ones. */
function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('VIGIL_')) env[name] = value;
  }
  return { ...env, ...vars };
}

function vigil(args: string[], vars: Record<string, string> = {}, input = '') {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: envWith(vars),
    input,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const hexKey = () => randomBytes(32).toString('hex');

describe('vigil victim-key', () => {
  it('prints a fresh random key with a reminder to keep it apart', () => {
    const first = vigil(['victim-key', 'new']);
    const second = vigil(['victim-key', 'new']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(second.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(second.stdout).not.toBe(first.stdout);
    expect(first.stderr).toContain('apart from the database');
  }, 60_000);

  it('rotates victim records to a new key: they open with it and no longer with the old one', () => {
    const data = mkdtempSync(join(tmpdir(), 'vigil-victim-key-'));
    const flags = ['--data-dir', data, '--log-level', 'silent'];
    const keyA = hexKey();
    const keyB = vigil(['victim-key', 'new']).stdout.trim();
    const keyC = hexKey();
    const keyD = hexKey();
    expect(keyB).toMatch(/^[0-9a-f]{64}$/);
    const under = (key: string) => ({ VIGIL_VICTIM_MASTER_KEY: key });
    const ok = (args: string[], vars: Record<string, string>, input?: string) => {
      const done = vigil([...args, ...flags], vars, input);
      expect(done.status, `vigil ${args.join(' ')}\n${done.stderr}`).toBe(0);
      return done;
    };
    const act = (args: string[], key: string, input?: string) =>
      vigil([...args, '--as', LEAD, ...flags], under(key), input);

    ok(['user', 'add', '--email', LEAD, '--name', 'Lead', '--role', 'investigator'], {});
    const opened = act(['case', 'create', '--title', 'Harbour recruiter'], keyA);
    expect(opened.status, opened.stderr).toBe(0);
    const caseId = /^Opened case (\S+):/.exec(opened.stdout)?.[1] as string;
    expect(act(['case', 'grant', caseId, LEAD], keyA).status).toBe(0);
    const addVictim = (label: string, key: string, record: object) => {
      const added = act(
        [
          'case',
          'person',
          'add',
          caseId,
          '--kind',
          'victim',
          '--label',
          label,
          '--victim-data',
          '-',
          '--json',
        ],
        key,
        JSON.stringify(record),
      );
      expect(added.status, added.stderr).toBe(0);
      return JSON.parse(added.stdout) as { id: string; victimData: string };
    };
    const victim = addVictim('Victim A', keyA, VICTIM);
    expect(victim.victimData).toBe('sealed');
    const open = (personId: string, key: string) =>
      act(['case', 'person', 'open', caseId, personId], key);
    expect(JSON.parse(open(victim.id, keyA).stdout)).toEqual(VICTIM);

    // No new key: refused, nothing done; the key is never taken from the command line.
    const missing = vigil(['victim-key', 'rotate', ...flags], under(keyA));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('[CLI_USAGE]');
    expect(missing.stderr).toContain('VIGIL_NEW_VICTIM_MASTER_KEY');

    const rotated = ok(['victim-key', 'rotate'], {
      ...under(keyA),
      VIGIL_NEW_VICTIM_MASTER_KEY: keyB,
    });
    expect(rotated.stdout).toMatch(/rewrapped:\s+1\n/);
    expect(rotated.stdout).toMatch(/under an unknown key:\s+0\n/);
    expect(rotated.stderr).toContain('1 records looked at: 1 rewrapped');
    for (const key of [keyA, keyB]) {
      expect(rotated.stdout + rotated.stderr).not.toContain(key);
    }

    // The new key opens the record; the old one no longer does.
    const withB = open(victim.id, keyB);
    expect(withB.status, withB.stderr).toBe(0);
    expect(JSON.parse(withB.stdout)).toEqual(VICTIM);
    const withA = open(victim.id, keyA);
    expect(withA.status).toBe(1);
    expect(withA.stderr).toContain('[CONFIG_INVALID]');
    expect(withA.stdout).not.toContain('Quilla');

    // Again: nothing left to rewrap.
    const again = ok(['victim-key', 'rotate'], {
      ...under(keyA),
      VIGIL_NEW_VICTIM_MASTER_KEY: keyB,
    });
    expect(again.stdout).toMatch(/rewrapped:\s+0\n/);
    expect(again.stdout).toMatch(/already under [0-9a-f]{8}:\s+1\n/);

    // A record under a third key C: reported, left as it is, and the exit status says so;
    // the rest moves on from B to D, read from a file this time.
    const stranger = addVictim('Victim C', keyC, STRANGER);
    const keyFile = join(data, 'new.key');
    writeFileSync(keyFile, `${keyD}\n`, { mode: 0o600 });
    const partly = vigil(
      ['victim-key', 'rotate', '--new-key-file', keyFile, ...flags],
      under(keyB),
    );
    expect(partly.status).toBe(1);
    expect(partly.stderr).toContain('[CONFIG_INVALID]');
    expect(partly.stdout).toMatch(/rewrapped:\s+1\n/);
    expect(partly.stdout).toMatch(/under an unknown key:\s+1\n/);
    expect(partly.stdout).toContain(stranger.id);
    expect(JSON.parse(open(victim.id, keyD).stdout)).toEqual(VICTIM);
    expect(JSON.parse(open(stranger.id, keyC).stdout)).toEqual(STRANGER);

    expect(partly.stdout + partly.stderr).not.toContain(keyD);
  }, 180_000);
});
