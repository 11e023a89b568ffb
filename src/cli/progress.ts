import type { ImportCounts } from '../catalog/import.js';
import type { Io } from './command.js';

const LOG_INTERVAL_MS = 5000;
const BAR_WIDTH = 24;

/**
 * Reports a long import's progress: a redrawn bar with rate and ETA on a terminal, a plain log
 * line every few seconds otherwise (logs, CI). `done` is the fraction of input consumed, when known.
 */
export function progressReporter(io: Io, now: () => number = Date.now) {
  const started = now();
  let lastLog = started;
  return {
    update(counts: ImportCounts, done: number | undefined): void {
      const elapsed = (now() - started) / 1000;
      const rate = elapsed > 0 ? counts.read / elapsed : 0;
      const eta = done && done > 0 && done < 1 ? formatDuration((elapsed / done) * (1 - done)) : '-';
      const summary = `${counts.read.toLocaleString('en')} records, ${Math.round(rate).toLocaleString('en')}/s, ` +
        `${counts.added} added, ${counts.updated} updated, ${counts.skipped} skipped`;
      if (io.isTty) {
        const filled = Math.round((done ?? 0) * BAR_WIDTH);
        const bar = done === undefined ? '' : `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor((done ?? 0) * 100)}% `;
        process.stderr.write(`\r${bar}${summary}, ETA ${eta}\x1b[K`);
      } else if (now() - lastLog >= LOG_INTERVAL_MS) {
        lastLog = now();
        io.err(`progress: ${summary}${done === undefined ? '' : `, ${Math.floor(done * 100)}% done, ETA ${eta}`}`);
      }
    },
    finish(): void {
      if (io.isTty) process.stderr.write('\n');
    },
  };
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
