// How a download reports: which file, how far, and what went wrong (retries). The console
// reporter draws a progress bar on a terminal and a line every 10% elsewhere (CI logs).

export interface Reporter {
  file(id: string, file: string, total: number | null): void;
  progress(received: number, total: number | null): void;
  done(message: string): void;
  warn(message: string): void;
}

function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function consoleReporter(stream: NodeJS.WriteStream = process.stderr): Reporter {
  let label = '';
  let started = 0;
  let lastDraw = 0;
  let lastPercent = -1;
  return {
    file(id, file, total) {
      label = file;
      started = Date.now();
      lastPercent = -1;
      stream.write(`${id} · ${file}${total !== null ? ` (${formatMB(total)})` : ''}\n`);
    },
    progress(received, total) {
      const now = Date.now();
      if (stream.isTTY) {
        if (now - lastDraw < 100 && received !== total) return;
        lastDraw = now;
        const width = 30;
        const fraction = total ? Math.min(1, received / total) : 0;
        const bar = total ? `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}]` : '[…]';
        const rate = received / Math.max(0.001, (now - started) / 1000);
        stream.write(`\r  ${bar} ${formatMB(received)}${total ? ` / ${formatMB(total)}` : ''}  ${formatMB(rate)}/s   `);
        if (total && received >= total) stream.write('\n');
      } else if (total && total >= 1e6) {
        const percent = Math.floor((100 * received) / total / 10) * 10;
        if (percent > lastPercent) {
          lastPercent = percent;
          stream.write(`  ${label}: ${percent}% (${formatMB(received)} / ${formatMB(total)})\n`);
        }
      }
    },
    done(message) {
      stream.write(`${message}\n`);
    },
    warn(message) {
      stream.write(`${stream.isTTY ? '\n' : ''}${message}\n`);
    },
  };
}
