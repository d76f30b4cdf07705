import { parseMultipart, multipartBoundary } from '@wxhub/local-cloud/testing';
import * as fc from 'fast-check';
import { multipartBody } from '../src/multipart-body';

// The upload form as bytes: what a multipart parser (the local cloud's, like COS's) reads back.

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

test('fields and the file read back exactly, the length is exact, progress ends at the file size', async () => {
  await fc.assert(
    fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.uint8Array({ maxLength: 200_000 }), async (path, content) => {
      const body = multipartBody(
        [
          ['key', path],
          ['Signature', 'sig'],
        ],
        { name: 'file', filename: `${path}"\r\nX-Injected: 1`, contentType: 'application/octet-stream', content },
      );
      const seen: number[] = [];
      const bytes = await collect(
        body.chunks((sent, total) => {
          expect(total).toBe(content.length);
          seen.push(sent);
        }),
      );
      expect(bytes.length).toBe(body.length);
      expect(seen[seen.length - 1]).toBe(content.length);
      const boundary = multipartBoundary(body.contentType);
      expect(boundary).toBeDefined();
      const parts = parseMultipart(bytes, boundary as string);
      expect(parts.map((part) => part.name)).toEqual(['key', 'Signature', 'file']);
      expect(parts[0]?.data.toString('utf8')).toBe(path);
      const file = parts[2];
      expect(Buffer.from(file?.data ?? []).equals(Buffer.from(content))).toBe(true);
      // A quote or line break in the file name cannot end the header or add one.
      expect(file?.filename).not.toContain('\n');
      expect(file?.contentType).toBe('application/octet-stream');
    }),
    { numRuns: 200 },
  );
});
