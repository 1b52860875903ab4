/**
 * A one-line progress display on stderr, redrawn at most a few times a second, shown only when
 * stderr is a terminal.
 */
import type { Writable } from 'node:stream';

export interface ProgressState {
  readonly items: number;
  readonly malformed: number;
  readonly bytesRead: number;
  readonly totalBytes: number | undefined;
}

export class Progress {
  #last = 0;
  #shown = false;
  readonly #started: number;

  constructor(
    private readonly stream: Writable & { isTTY?: boolean; columns?: number },
    private readonly enabled: boolean,
    private readonly now: () => number,
  ) {
    this.#started = now();
  }

  update(state: ProgressState, force = false): void {
    if (!this.enabled) return;
    const t = this.now();
    if (!force && t - this.#last < 200) return;
    this.#last = t;
    this.#shown = true;
    this.stream.write(
      `\r${formatProgress(state, t - this.#started, this.stream.columns ?? 80)}\x1b[K`,
    );
  }

  done(): void {
    if (this.#shown) this.stream.write('\r\x1b[K');
  }
}

const WIDTH = 24;

export function formatProgress(state: ProgressState, elapsedMs: number, columns: number): string {
  const rate = elapsedMs > 0 ? Math.round((state.items * 1000) / elapsedMs) : 0;
  const counts = `${state.items.toLocaleString('en-US')} items · ${rate.toLocaleString('en-US')}/s${
    state.malformed > 0 ? ` · ${state.malformed.toLocaleString('en-US')} malformed` : ''
  }`;
  if (state.totalBytes === undefined || state.totalBytes === 0)
    return `scanning ${counts}`.slice(0, columns - 1);
  const share = Math.min(1, state.bytesRead / state.totalBytes);
  const filled = Math.round(share * WIDTH);
  const bar = `[${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${(share * 100).toFixed(0).padStart(3)}%`;
  return `${bar} ${counts}`.slice(0, columns - 1);
}
