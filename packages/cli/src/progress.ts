import { formatBytes } from './output';

/**
 * Upload progress on stderr: one line rewritten in place on a terminal, or a line per tenth of
 * the file otherwise (a CI log should not get one line per 64 KiB chunk).
 */
export function progressReporter(
  stderr: { write(text: string): unknown; readonly isTTY?: boolean },
  label: string,
): { update(sent: number, total: number): void; done(): void } {
  let lastStep = -1;
  let drawn = false;
  const line = (sent: number, total: number): string => {
    const percent = total === 0 ? 100 : Math.floor((sent / total) * 100);
    return `${label}: ${formatBytes(sent)} / ${formatBytes(total)} (${percent}%)`;
  };
  return {
    update(sent, total) {
      if (stderr.isTTY) {
        stderr.write(`\r${line(sent, total)}\u001b[K`);
        drawn = true;
        return;
      }
      const step = total === 0 ? 10 : Math.floor((sent / total) * 10);
      if (step === lastStep) return;
      lastStep = step;
      stderr.write(`${line(sent, total)}\n`);
    },
    done() {
      if (drawn) stderr.write('\n');
    },
  };
}
