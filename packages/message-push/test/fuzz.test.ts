import fc from 'fast-check';
import { fuzzRuns } from '@wxhub/test-support/fuzz';
import { msgSignature, serverSignature } from '@wxhub/wechat-crypto';
import { PushRequestError, PushSignatureError, type PushHttpRequest, type PushHttpResponse, type PushMessage } from '../src';
import { encryptedRequest, harness, KEY, NOW_SECONDS, plainPost, signedQuery, textJson, textXml, TOKEN, type Harness } from './support';

/**
 * Property tests of the handler: whatever arrives, the answer is a response (never a throw, never
 * a 5xx), a refusal is a typed PushRequestError with its 4xx status, and onMessage is reached only
 * by a request whose signature is valid, with a well-formed message.
 */

// 200 cases a property (FUZZ_RUNS for more): each property is an invariant every request must keep,
// and a handler that breaks one breaks it on most inputs (a signature check removed fails the first run).
const RUNS = { numRuns: fuzzRuns(200) };

const hex40 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 40, maxLength: 40 });
const anySignature = fc.oneof(hex40, fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 50 }));
const nonce = fc.stringMatching(/^\d{1,10}$/);

/** Checks one answer; returns it for further checks. */
function wellFormed(response: PushHttpResponse, h: Harness): PushHttpResponse {
  expect(response.status).toBeGreaterThanOrEqual(200);
  expect(response.status).toBeLessThan(500);
  expect(['verified', 'handled', 'duplicate', 'refused']).toContain(response.outcome);
  if (response.outcome === 'refused') {
    expect(response.error).toBeInstanceOf(PushRequestError);
    expect(response.status).toBe(response.error?.status);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.body).toBe(response.error?.message);
  } else {
    expect(response.status).toBe(200);
  }
  expect(response.body).not.toContain(TOKEN);
  expect(response.body).not.toContain(KEY);
  expect(h.errors).toEqual([]);
  for (const message of h.received) expectMessage(message);
  return response;
}

function expectMessage(message: PushMessage): void {
  for (const field of ['ToUserName', 'FromUserName', 'MsgType'] as const) {
    expect(typeof message[field]).toBe('string');
    expect(message[field]).not.toBe('');
  }
  expect(Number.isSafeInteger(message.CreateTime)).toBe(true);
  if (message.MsgId !== undefined) expect(message.MsgId).toMatch(/^\d+$/);
}

function mutate(text: string, edits: ReadonlyArray<{ at: number; op: 'insert' | 'delete' | 'replace'; with: string }>): string {
  let out = text;
  for (const edit of edits) {
    const at = out.length === 0 ? 0 : edit.at % out.length;
    if (edit.op === 'insert') out = out.slice(0, at) + edit.with + out.slice(at);
    else if (edit.op === 'delete') out = out.slice(0, at) + out.slice(at + edit.with.length);
    else out = out.slice(0, at) + edit.with + out.slice(at + edit.with.length);
  }
  return out;
}

const edits = fc.array(
  fc.record({
    at: fc.nat(),
    op: fc.constantFrom('insert' as const, 'delete' as const, 'replace' as const),
    with: fc.oneof(
      fc.string({ minLength: 1, maxLength: 4 }),
      fc.constantFrom('<', '>', '</', '/>', '&', '&amp;', '<![CDATA[', ']]>', '"', '{', '}', ',', '\u0000', '\uD800'),
    ),
  }),
  { minLength: 1, maxLength: 6 },
);

/** XML-shaped garbage: WeChat's tokens, and the constructs the parser must refuse, in any order. */
const xmlTokens = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '<xml>',
        '</xml>',
        '<ToUserName>',
        '</ToUserName>',
        '<FromUserName>',
        '</FromUserName>',
        '<CreateTime>',
        '</CreateTime>',
        '<MsgType>',
        '</MsgType>',
        '<MsgId>',
        '</MsgId>',
        '<Content>',
        '</Content>',
        '<![CDATA[',
        ']]>',
        '<B/>',
        '&amp;',
        '&#x41;',
        '&e;',
        '&',
        '<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
        '<?xml version="1.0"?>',
        '<!-- c -->',
        '<A b="1">',
        '__proto__',
        'text',
        '1767225600',
        ' ',
        '\n',
        '<',
        '>',
        '</',
        'gh_1',
        'oUser',
      ),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((tokens) => tokens.join(''));

/** JSON-shaped garbage: any JSON, and objects with the push's fields holding any JSON value. */
const jsonBodies = fc.oneof(
  fc.json({ maxDepth: 8 }),
  fc.string({ maxLength: 80 }),
  fc
    .record(
      {
        ToUserName: fc.jsonValue({ maxDepth: 2 }),
        FromUserName: fc.oneof(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })),
        CreateTime: fc.oneof(fc.integer(), fc.string({ maxLength: 14 }), fc.double(), fc.jsonValue({ maxDepth: 1 })),
        MsgType: fc.oneof(fc.constantFrom('text', 'event', ''), fc.jsonValue({ maxDepth: 1 })),
        MsgId: fc.oneof(
          fc.bigInt({ min: -1n, max: 2n ** 64n }).map((n) => n.toString()),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        Event: fc.jsonValue({ maxDepth: 2 }),
        Nested: fc.jsonValue({ maxDepth: 10 }),
      },
      { requiredKeys: [] },
    )
    .map((record) => JSON.stringify(record)),
);

const contentTypes = fc.oneof(
  fc.constantFrom(undefined, 'text/xml', 'application/xml', 'application/json', 'text/plain', 'TEXT/XML; charset=utf-8', 'multipart/form-data', ''),
  fc.string({ maxLength: 30 }),
);

const queryValue = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  fc.integer(),
  fc.constant(undefined),
  fc.object({ maxDepth: 1 }),
);
const KEEP = Symbol('keep the valid value');
/** A correctly signed query with any of its parameters replaced, dropped or joined by others. */
const queries = fc
  .record({
    nonce,
    replace: fc.record(
      {
        signature: fc.oneof(fc.constant(KEEP), anySignature, queryValue),
        timestamp: fc.oneof(fc.constant(KEEP), fc.constant(String(NOW_SECONDS + 1)), queryValue),
        nonce: fc.oneof(fc.constant(KEEP), queryValue),
        echostr: fc.oneof(fc.constant('echo'), queryValue),
        encrypt_type: fc.oneof(fc.constant(KEEP), fc.constantFrom('aes', 'raw'), queryValue),
      },
      { requiredKeys: [] },
    ),
    extra: fc.dictionary(fc.oneof(fc.constantFrom('msg_signature', 'openid', '__proto__'), fc.string({ maxLength: 10 })), queryValue, { maxKeys: 4 }),
  })
  .map(({ nonce: n, replace, extra }) => {
    const query: Record<string, unknown> = { ...extra, ...signedQuery(NOW_SECONDS, n) };
    for (const [name, value] of Object.entries(replace)) {
      if (value === KEEP) continue;
      query[name] = value;
    }
    return query;
  });

describe('signatures under fuzzing', () => {
  it('GET: every signature but the right one is refused with 401 and nothing is echoed', async () => {
    await fc.assert(
      fc.asyncProperty(anySignature, nonce, async (signature, n) => {
        const expected = serverSignature({ token: TOKEN, timestamp: String(NOW_SECONDS), nonce: n });
        fc.pre(signature !== expected);
        const h = harness();
        const response = wellFormed(await h.handle({ method: 'GET', query: { signature, timestamp: String(NOW_SECONDS), nonce: n, echostr: 'ECHO-9f3' } }), h);
        expect(response.status).toBe(401);
        expect(response.error).toBeInstanceOf(PushSignatureError);
        expect(response.body).not.toContain('ECHO-9f3');
      }),
      RUNS,
    );
  });

  it('POST plaintext: a valid message under any wrong signature never reaches onMessage', async () => {
    await fc.assert(
      fc.asyncProperty(anySignature, nonce, fc.boolean(), async (signature, n, json) => {
        fc.pre(signature !== serverSignature({ token: TOKEN, timestamp: String(NOW_SECONDS), nonce: n }));
        const h = harness({ mode: 'compatible' });
        const body = json ? textJson() : textXml();
        const response = wellFormed(await h.handle(plainPost(body, undefined, { signature, timestamp: String(NOW_SECONDS), nonce: n })), h);
        expect(response.status).toBe(401);
        expect(h.received).toEqual([]);
      }),
      RUNS,
    );
  });

  it('POST safe mode: a valid Encrypt under any wrong msg_signature never reaches onMessage', async () => {
    const Encrypt = harness().wechat.encryptToBase64(textXml());
    await fc.assert(
      fc.asyncProperty(anySignature, nonce, async (signature, n) => {
        fc.pre(signature !== msgSignature({ token: TOKEN, timestamp: String(NOW_SECONDS), nonce: n, encrypt: Encrypt }));
        const h = harness();
        const response = wellFormed(await h.handle(encryptedRequest({ Encrypt, timestamp: String(NOW_SECONDS), nonce: n, msgSignature: signature })), h);
        expect(response.status).toBe(401);
        expect(h.received).toEqual([]);
      }),
      RUNS,
    );
  });

  it('any query on any method: typed 4xx, and a message only with a valid signature', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'post', 'PUT', 'HEAD', ''),
        queries,
        fc.oneof(fc.constant(textXml()), xmlTokens),
        async (method, query, body) => {
          const h = harness({ mode: 'compatible' });
          wellFormed(await h.handle({ method, query, body, contentType: 'text/xml' }), h);
          if (h.received.length > 0) {
            const { signature, timestamp, nonce: n } = query as Record<string, unknown>;
            expect(signature).toBe(serverSignature({ token: TOKEN, timestamp: String(timestamp), nonce: String(n) }));
          }
        },
      ),
      RUNS,
    );
  });
});

describe('ciphertexts under fuzzing', () => {
  const base = harness().wechat.encryptToBase64(textXml());

  function flipped(base64: string, index: number, mask: number): string {
    const raw = Buffer.from(base64, 'base64');
    const at = index % raw.length;
    raw[at] = (raw[at] ?? 0) ^ mask;
    return raw.toString('base64');
  }

  const mutatedEncrypt = fc.oneof(
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([index, mask]) => flipped(base, index, mask)),
    edits.map((e) => mutate(base, e)),
    fc.nat({ max: base.length - 1 }).map((n) => base.slice(0, n)),
    fc.string({ maxLength: 40 }).map((tail) => base + tail),
    fc.base64String({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 256 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    fc.string({ maxLength: 100 }),
  );

  it('a mutated Encrypt under the original msg_signature is refused with 401', async () => {
    const timestamp = String(NOW_SECONDS);
    const signature = msgSignature({ token: TOKEN, timestamp, nonce: '42', encrypt: base });
    await fc.assert(
      fc.asyncProperty(mutatedEncrypt, async (Encrypt) => {
        fc.pre(Encrypt !== base);
        const h = harness();
        const response = wellFormed(await h.handle(encryptedRequest({ Encrypt, timestamp, nonce: '42', msgSignature: signature })), h);
        // An Encrypt that breaks the XML envelope is refused as malformed before the signature check.
        expect([400, 401]).toContain(response.status);
        expect(h.received).toEqual([]);
      }),
      RUNS,
    );
  });

  it('a mutated or random Encrypt that is correctly signed ends in a typed refusal, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedEncrypt, fc.constantFrom('xml' as const, 'json' as const), async (Encrypt, envelope) => {
        const h = harness();
        const response = wellFormed(await h.handle(encryptedRequest({ Encrypt, timestamp: String(NOW_SECONDS), nonce: '42', envelope })), h);
        if (Encrypt !== base) expect(h.received).toEqual([]);
        if (response.outcome === 'refused') expect([400, 401, 403]).toContain(response.status);
      }),
      RUNS,
    );
  });
});

describe('event bodies under fuzzing (correctly signed)', () => {
  async function plainly(body: string | Uint8Array, contentType?: string): Promise<void> {
    const h = harness({ mode: 'plain' });
    const request: PushHttpRequest = { method: 'POST', query: signedQuery(), body, ...(contentType === undefined ? {} : { contentType }) };
    const response = wellFormed(await h.handle(request), h);
    expect(h.received.length).toBe(response.outcome === 'handled' ? 1 : 0);
  }

  it('XML-shaped garbage', async () => {
    await fc.assert(
      fc.asyncProperty(xmlTokens, async (body) => plainly(body, 'text/xml')),
      RUNS,
    );
  });

  it('mutations of a valid XML and a valid JSON message', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(textXml(), textJson()), edits, contentTypes, async (valid, e, contentType) => plainly(mutate(valid, e), contentType)),
      RUNS,
    );
  });

  it('JSON-shaped garbage', async () => {
    await fc.assert(
      fc.asyncProperty(jsonBodies, contentTypes, async (body, contentType) => plainly(body, contentType)),
      RUNS,
    );
  });

  it('raw bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), contentTypes, async (bytes, contentType) => plainly(bytes, contentType)),
      RUNS,
    );
  });

  it('garbage inside a correctly encrypted and signed safe-mode push', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(xmlTokens, jsonBodies, fc.string({ unit: 'binary', maxLength: 100 })),
        fc.constantFrom('xml' as const, 'json' as const),
        async (inner, envelope) => {
          const h = harness();
          const Encrypt = h.wechat.encryptToBase64(inner);
          const response = wellFormed(await h.handle(encryptedRequest({ Encrypt, timestamp: String(NOW_SECONDS), nonce: '7', envelope })), h);
          expect(h.received.length).toBe(response.outcome === 'handled' ? 1 : 0);
        },
      ),
      RUNS,
    );
  });

  it('bodies nested far past the limits are refused, not recursed into', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 7, max: 20_000 }), fc.constantFrom('<a>', '<a/>', '[', '{"a":'), async (depth, open) => {
        const body = open.startsWith('<') ? `<xml>${open.repeat(depth)}` : `{"x":${open.repeat(depth)}`;
        const h = harness({ mode: 'plain', maxBodyBytes: 1 << 20 });
        const response = wellFormed(await h.handle(plainPost(body)), h);
        expect(response.status).toBe(400);
      }),
      RUNS,
    );
  });
});
