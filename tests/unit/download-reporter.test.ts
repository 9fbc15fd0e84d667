// What `npm run models:download` prints where there is no terminal (CI logs): a line per file and
// one every 10% of a large file — never a progress bar's carriage returns.
import { describe, expect, it } from 'vitest';
import { consoleReporter } from '../../scripts/models-download/reporter.ts';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  const stream = { isTTY, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, written };
}

describe('consoleReporter without a terminal', () => {
  it('names each file with its size, and reports large files every 10%', () => {
    const { stream, written } = fakeStream(false);
    const reporter = consoleReporter(stream);
    reporter.file('Xenova/bert', 'onnx/model_quantized.onnx', 10_000_000);
    for (let received = 0; received <= 10_000_000; received += 500_000) reporter.progress(received, 10_000_000);
    expect(written[0]).toBe('Xenova/bert · onnx/model_quantized.onnx (10.0 MB)\n');
    const steps = written.slice(1);
    expect(steps).toHaveLength(11);
    expect(steps[0]).toBe('  onnx/model_quantized.onnx: 0% (0.0 MB / 10.0 MB)\n');
    expect(steps[10]).toBe('  onnx/model_quantized.onnx: 100% (10.0 MB / 10.0 MB)\n');
    expect(written.join('')).not.toContain('\r');
  });

  it('says nothing about the progress of small files, or of files of unknown size', () => {
    const { stream, written } = fakeStream(false);
    const reporter = consoleReporter(stream);
    reporter.file('Xenova/bert', 'config.json', null);
    reporter.progress(500, null);
    reporter.file('Xenova/bert', 'tokenizer.json', 700_000);
    reporter.progress(700_000, 700_000);
    expect(written).toEqual(['Xenova/bert · config.json\n', 'Xenova/bert · tokenizer.json (0.7 MB)\n']);
  });

  it('prints messages and warnings as lines', () => {
    const { stream, written } = fakeStream(false);
    const reporter = consoleReporter(stream);
    reporter.done('  config.json: up to date');
    reporter.warn('  retrying');
    expect(written).toEqual(['  config.json: up to date\n', '  retrying\n']);
  });
});
