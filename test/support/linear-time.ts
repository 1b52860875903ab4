/**
 * A linear-time check for extractors that read attacker-written text: an input 4x longer must
 * take less than 8x as long (a quadratic scan takes 16x). Shared by the extractor tests.
 */
import { expect } from 'vitest';

/**
 * CPU time used by this process, in milliseconds. Unlike wall time it does not grow when other
 * processes take the cores, so the ratio below holds on a busy machine.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Best times of `small` and `large`, each run `reps` times per round; rounds interleave the two
 * so a burst of load from elsewhere slows both alike.
 */
function bestTimes(small: () => void, large: () => void, reps: number): [number, number] {
  let bestSmall = Number.POSITIVE_INFINITY;
  let bestLarge = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    let t0 = cpuMs();
    for (let i = 0; i < reps; i++) small();
    bestSmall = Math.min(bestSmall, cpuMs() - t0);
    t0 = cpuMs();
    for (let i = 0; i < reps; i++) large();
    bestLarge = Math.min(bestLarge, cpuMs() - t0);
  }
  return [bestSmall, bestLarge];
}

/**
 * Linear time: an input 4x longer must take less than 8x as long (a quadratic scan takes 16x).
 * The repetition count is calibrated on the short input so timer resolution does not matter;
 * a noisy measurement is taken again (up to five times), which a quadratic scan never passes.
 * Sizes stay under 128 KB so both strings live in the same V8 heap space.
 */
export function expectLinearRuns(small: () => void, large: () => void): void {
  small();
  large();
  let reps = 1;
  for (;;) {
    const t0 = cpuMs();
    for (let i = 0; i < reps; i++) small();
    if (cpuMs() - t0 >= 15 || reps >= 1 << 16) break;
    reps *= 2;
  }
  let ratio = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 5 && ratio >= 8; attempt++) {
    const [tSmall, tLarge] = bestTimes(small, large, reps);
    ratio = tLarge / tSmall;
  }
  expect(ratio).toBeLessThan(8);
}
