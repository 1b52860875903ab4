/**
 * End-to-end tests of image reuse through the built binary: `vigil hash`, `vigil scan --images`
 * and image linking with `--link`. The photos are synthetic (gradients and shapes drawn here):
 * one photo saved as a JPEG of quality 92 and again resized to 640 px wide at quality 55, and
 * an unrelated one.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'vigil-images-'));
const photos = join(root, 'photos');

function vigil(args: string[]) {
  const run = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const jsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);

const WIDTH = 1000;
const HEIGHT = 800;

/** A 1000x800 picture: a gradient with a disc, a rectangle and a bar (kind 0), or stripes,
 *  a dark disc and a red block (kind 1). No text, nothing explicit. */
function picture(kind: 0 | 1): sharp.Sharp {
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      let rgb: [number, number, number];
      if (kind === 0) {
        rgb = [(x / WIDTH) * 200 + 30, (y / HEIGHT) * 180 + 40, 120 + 60 * Math.sin(x / 90)];
        if ((x - 320) ** 2 + (y - 300) ** 2 < 150 ** 2) rgb = [240, 200, 60];
        if (x > 600 && x < 880 && y > 420 && y < 700) rgb = [40, 60, 200];
        if (Math.abs(x - 500 - (y - 400)) < 25 && y > 100 && y < 700) rgb = [250, 250, 250];
      } else {
        rgb = [128 + 100 * Math.sin(y / 37), 128 + 100 * Math.cos(x / 53), (x + y) % 256];
        if ((x - 700) ** 2 + (y - 250) ** 2 < 120 ** 2) rgb = [10, 10, 10];
        if (x > 100 && x < 400 && y > 500 && y < 750) rgb = [230, 30, 30];
      }
      data.set(rgb, (y * WIDTH + x) * 3);
    }
  }
  return sharp(data, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } });
}

function distance(a: string, b: string): number {
  let bits = 0;
  for (let i = 0; i < a.length; i++) {
    let x = Number.parseInt(a[i] as string, 16) ^ Number.parseInt(b[i] as string, 16);
    for (; x > 0; x >>= 1) bits += x & 1;
  }
  return bits;
}

interface HashLine {
  file: string;
  pdq: string;
  quality: number;
  dihedral?: Record<string, string>;
}

beforeAll(async () => {
  mkdirSync(photos);
  mkdirSync(join(root, 'elsewhere'));
  const original = await picture(0).jpeg({ quality: 92 }).toBuffer();
  writeFileSync(join(photos, 'lina.jpg'), original);
  await sharp(original).resize(640).jpeg({ quality: 55 }).toFile(join(photos, 'maya-small.jpg'));
  await picture(1).jpeg({ quality: 92 }).toFile(join(photos, 'flat.jpg'));
  await picture(1)
    .jpeg({ quality: 92 })
    .toFile(join(root, 'elsewhere', 'secret.jpg'));
  symlinkSync(join(root, 'elsewhere', 'secret.jpg'), join(photos, 'link-out.jpg'));
  writeFileSync(join(photos, 'broken.jpg'), 'not an image');
}, 60_000);

describe('vigil hash', () => {
  it('prints a 64-hex hash and quality per image; the two versions are within 31 bits', () => {
    const run = vigil(['hash', join(photos, 'lina.jpg'), join(photos, 'maya-small.jpg')]);
    expect(run.status).toBe(0);
    const rows = run.stdout.trim().split('\n');
    expect(rows).toHaveLength(2);
    const [a, b] = rows.map((row) => row.split(',')) as [string[], string[]];
    for (const row of [a, b]) {
      expect(row[0]).toMatch(/^[0-9a-f]{64}$/);
      expect(Number(row[1])).toBeGreaterThanOrEqual(50);
    }
    expect(a[2]).toBe(join(photos, 'lina.jpg'));
    expect(distance(a[0] as string, b[0] as string)).toBeLessThanOrEqual(31);
  });

  it('writes JSON lines, with the eight dihedral variants when asked', () => {
    const run = vigil(['hash', '--json', '--dihedral', join(photos, 'lina.jpg')]);
    expect(run.status).toBe(0);
    const [line] = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as HashLine);
    expect(line?.pdq).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.keys(line?.dihedral ?? {})).toHaveLength(8);
    expect(line?.dihedral?.original).toBe(line?.pdq);
    const unrelated = vigil(['hash', '--json', join(photos, 'flat.jpg')]);
    const other = JSON.parse(unrelated.stdout) as HashLine;
    expect(distance(other.pdq, line?.pdq as string)).toBeGreaterThan(31);
  });

  it('reports an unreadable file, still prints the others, and fails', () => {
    const run = vigil([
      'hash',
      join(photos, 'missing.jpg'),
      join(photos, 'lina.jpg'),
      join(photos, 'broken.jpg'),
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('does not exist. [INPUT_NOT_FOUND]');
    expect(run.stderr).toContain('could not be decoded as an image');
    expect(run.stderr).toContain('2 of 3 images could not be hashed');
  });
});

describe('vigil scan --images --link', () => {
  const items = join(root, 'items.jsonl');
  const out = join(root, 'linked');

  beforeAll(() => {
    const lina = vigil(['hash', '--json', join(photos, 'lina.jpg')]);
    const linaHash = (JSON.parse(lina.stdout) as HashLine).pdq;
    const ads = [
      {
        id: 'ad-lina',
        title: 'Sweet Lina new in Miami',
        body: 'Relaxing company downtown, call 305 555 0101 anytime, discreet and friendly.',
        location: { city: 'Miami', region: 'FL', country: 'US' },
        images: ['lina.jpg'],
      },
      {
        id: 'ad-maya',
        title: 'Gorgeous Maya visiting Houston',
        body: 'Only this week in town. Text 713-555-0199 for appointments, outcalls available.',
        location: { city: 'Houston', region: 'TX', country: 'US' },
        images: ['maya-small.jpg', 'https://cdn.example/banner.jpg'],
      },
      {
        id: 'ad-flat',
        title: 'Apartment for rent near the park',
        body: 'Two bedrooms, bright kitchen, contact 212 555 0142 to visit on weekends.',
        location: { city: 'New York', region: 'NY', country: 'US' },
        images: ['flat.jpg'],
      },
      {
        // A hash computed elsewhere (here: by `vigil hash`), as the service ingests them.
        id: 'ad-hashed',
        title: 'Bicycle repairs',
        body: 'Fast repairs of all bikes, ask Tom at 617 555 0164.',
        images: [`pdq:${linaHash.toUpperCase()}`],
      },
      {
        id: 'ad-escape',
        title: 'Garden furniture for sale',
        body: 'Table and four chairs, call 415 555 0123.',
        images: ['../elsewhere/secret.jpg', '/etc/hostname', 'link-out.jpg', 'missing.jpg'],
      },
      { id: 'ad-bad-hash', title: 'Anything', body: 'Call 415 555 0177', images: ['pdq:1234'] },
    ];
    writeFileSync(items, `${ads.map((ad) => JSON.stringify(ad)).join('\n')}\n`);
  });

  it('links the ads that share a photo, shows the distance, and leaves the other apart', () => {
    const run = vigil([
      'scan',
      items,
      '--images',
      photos,
      '--link',
      '--out',
      out,
      '--workers',
      '2',
    ]);
    expect(run.status).toBe(0);
    // The malformed pdq: entry is reported like any other item error.
    expect(run.stderr).toMatch(/items\.jsonl:6: skipped: "images" entry 1 starts with "pdq:"/);
    const results = new Map(
      jsonl<{ id: string; network?: string; images?: Record<string, unknown>[] }>(
        join(out, 'results.jsonl'),
      ).map((r) => [r.id, r]),
    );
    expect(results.size).toBe(5);
    const lina = results.get('ad-lina');
    const maya = results.get('ad-maya');
    expect(lina?.images).toEqual([
      {
        ref: 'lina.jpg',
        pdq: expect.stringMatching(/^[0-9a-f]{64}$/),
        quality: expect.any(Number),
      },
    ]);
    // Only local files are listed: the URL stays an exact identifier.
    expect(maya?.images).toHaveLength(1);
    expect(lina?.network).toBeDefined();
    expect(maya?.network).toBe(lina?.network);
    expect(results.get('ad-hashed')?.network).toBe(lina?.network);
    expect(results.get('ad-flat')?.network).toBeUndefined();
    expect(results.get('ad-escape')?.network).toBeUndefined();

    const networks = jsonl<{
      id: string;
      members: string[];
      identifiers: string[];
      imageMatches?: { item: string; pdq: string; distance: number }[];
    }>(join(out, 'networks.jsonl'));
    expect(networks).toHaveLength(1);
    const [network] = networks;
    expect(network?.members).toEqual(['ad-hashed', 'ad-lina', 'ad-maya']);
    expect(network?.identifiers).toEqual([expect.stringMatching(/^image:pdq:[0-9a-f]{64}$/)]);
    const matches = network?.imageMatches ?? [];
    expect(matches.map((m) => m.item).sort()).toEqual(['ad-hashed', 'ad-lina', 'ad-maya']);
    const lPdq = lina?.images?.[0]?.pdq as string;
    const mPdq = maya?.images?.[0]?.pdq as string;
    const apart = distance(lPdq, mPdq);
    expect(apart).toBeGreaterThan(0);
    expect(apart).toBeLessThanOrEqual(31);
    // Each distance is to the hash the network lists: one of the two versions.
    const listed = (network?.identifiers[0] ?? '').slice('image:pdq:'.length);
    expect([lPdq, mPdq]).toContain(listed);
    for (const match of matches) expect(match.distance).toBe(distance(match.pdq, listed));
    expect(Math.max(...matches.map((m) => m.distance))).toBe(apart);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.options.imageDistance).toBe(31);
  });

  it('refuses paths that are absolute, escape the folder or lead out through a link', () => {
    const results = jsonl<{
      id: string;
      images?: { ref: string; error?: string; code?: string }[];
    }>(join(out, 'results.jsonl'));
    const escaping = results.find((r) => r.id === 'ad-escape');
    const byRef = new Map(escaping?.images?.map((image) => [image.ref, image]));
    expect(byRef.get('../elsewhere/secret.jpg')?.error).toMatch(/"\.\." are refused/);
    expect(byRef.get('/etc/hostname')?.error).toMatch(/absolute paths are refused/);
    expect(byRef.get('link-out.jpg')?.error).toMatch(/outside the images folder/);
    expect(byRef.get('missing.jpg')?.code).toBe('INPUT_NOT_FOUND');
    for (const image of escaping?.images ?? []) expect(image).not.toHaveProperty('pdq');
  });

  it('keeps the photos apart with --image-distance 0, and hashes in the main thread too', () => {
    const strict = join(root, 'strict');
    const run = vigil([
      'scan',
      items,
      '--images',
      photos,
      '--link',
      '--image-distance',
      '0',
      '--out',
      strict,
      '--workers',
      '0',
      '--quiet',
    ]);
    expect(run.status).toBe(0);
    const networks = jsonl<{ members: string[]; imageMatches?: unknown[] }>(
      join(strict, 'networks.jsonl'),
    );
    // Only the exact copy (the pdq: entry of the same file) still links.
    expect(networks.map((n) => n.members)).toEqual([['ad-hashed', 'ad-lina']]);
    expect(networks[0]?.imageMatches).toBeUndefined();
  });

  it('fails clearly when the images folder does not exist', () => {
    const run = vigil(['scan', items, '--images', join(root, 'nope'), '--quiet']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('[INPUT_NOT_FOUND]');
  });
});
