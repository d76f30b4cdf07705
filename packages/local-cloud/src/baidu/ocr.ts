import { createHash } from 'node:crypto';

/**
 * The emulator's stand-in for character recognition. An "image" whose bytes are plain UTF-8
 * text reads as its non-empty lines, so tests choose what the OCR sees; any other image reads
 * as one line naming its size and digest, so different images give different, stable words.
 */
export function recognizeText(image: Buffer): string[] {
  const text = image.toString('utf8');
  const isPlainText = Buffer.from(text, 'utf8').equals(image) && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/.test(text);
  if (isPlainText) {
    const lines = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
    if (lines.length > 0) return lines;
  }
  const digest = createHash('sha1').update(image).digest('hex').slice(0, 12);
  return [`image ${digest} (${image.length} bytes)`];
}
