import { ManualClock } from '@wxhub/core';
import { MessageCrypto } from '@wxhub/wechat-crypto';
import {
  createPushHandler,
  parseWechatXml,
  PushBodyTooLargeError,
  PushMalformedError,
  PushMediaTypeError,
  PushMethodError,
  PushModeError,
  PushReplayError,
  PushRequestError,
  PushSignatureError,
  PushWrongAppError,
  type DedupeStore,
  type PushHttpResponse,
} from '../src';
import { CPP_SAMPLE, PUSH_DOC, PYTHON_SAMPLE } from '@wxhub/wechat-crypto/testing';
import {
  APPID,
  encryptedPost,
  encryptedRequest,
  enterSessionXml,
  harness,
  KEY,
  MINI_PROGRAM,
  nextNonce,
  NOW_SECONDS,
  plainPost,
  signedQuery,
  textJson,
  textXml,
  TOKEN,
  USER,
} from './support';

function expectRefused(response: PushHttpResponse, type: new (...args: never[]) => PushRequestError, status: number): void {
  expect(response.outcome).toBe('refused');
  expect(response.status).toBe(status);
  expect(response.error).toBeInstanceOf(type);
  expect(response.body).toBe(response.error?.message);
  expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
}

function expectSuccess(response: PushHttpResponse, outcome: 'handled' | 'duplicate' | 'failed'): void {
  expect(response).toMatchObject({ status: 200, body: 'success', outcome });
}

describe('URL verification (GET)', () => {
  it("echoes echostr for the signature of WeChat's documented push", async () => {
    const { token, appid, push } = PUSH_DOC;
    const h = harness({ token, appid, mode: 'plain', clock: new ManualClock(Number(push.timestamp) * 1000) });
    const response = await h.handle({
      method: 'GET',
      query: { signature: push.signature, timestamp: push.timestamp, nonce: push.nonce, echostr: 'echo-4187' },
    });
    expect(response).toMatchObject({ status: 200, body: 'echo-4187', outcome: 'verified' });
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('echoes echostr in safe mode too (the GET check is never encrypted)', async () => {
    const h = harness();
    const response = await h.handle({ method: 'GET', query: { ...signedQuery(), echostr: '7318472394' } });
    expect(response).toMatchObject({ status: 200, body: '7318472394' });
  });

  it('refuses a wrong signature with 401 and does not echo', async () => {
    const h = harness();
    const query = { ...signedQuery(), echostr: 'secret-echo' };
    const response = await h.handle({ method: 'GET', query: { ...query, signature: query.signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) } });
    expectRefused(response, PushSignatureError, 401);
    expect(response.body).not.toContain('secret-echo');
  });

  it('refuses a signature made with another token, and missing parameters', async () => {
    const h = harness();
    expectRefused(await h.handle({ method: 'GET', query: { ...signedQuery(NOW_SECONDS, '1', 'otherToken'), echostr: 'x' } }), PushSignatureError, 401);
    const { signature, timestamp } = signedQuery();
    expectRefused(await h.handle({ method: 'GET', query: { signature, timestamp, echostr: 'x' } }), PushSignatureError, 401);
    expectRefused(await h.handle({ method: 'GET', query: {} }), PushSignatureError, 401);
  });

  it('refuses a correctly signed but stale timestamp (403) and a missing echostr (400)', async () => {
    const h = harness();
    expectRefused(await h.handle({ method: 'GET', query: { ...signedQuery(NOW_SECONDS - 301), echostr: 'x' } }), PushReplayError, 403);
    expectRefused(await h.handle({ method: 'GET', query: signedQuery() }), PushMalformedError, 400);
  });
});

describe('plaintext mode', () => {
  it('gives onMessage the XML message, normalised, and answers success', async () => {
    const h = harness({ mode: 'plain' });
    expectSuccess(await h.handle(plainPost(textXml({ Content: '查询订单 <1> & "2"' }))), 'handled');
    expect(h.received).toEqual([
      { ToUserName: MINI_PROGRAM, FromUserName: USER, CreateTime: NOW_SECONDS, MsgType: 'text', Content: '查询订单 <1> & "2"', MsgId: '24602289745563241' },
    ]);
  });

  it('gives onMessage the JSON message, keeping a 64-bit MsgId exact', async () => {
    const h = harness({ mode: 'plain' });
    expectSuccess(await h.handle(plainPost(textJson({ MsgId: '6054768590064713728' }))), 'handled');
    expect(h.received[0]).toMatchObject({ MsgType: 'text', Content: '你好', CreateTime: NOW_SECONDS, MsgId: '6054768590064713728' });
  });

  it('recognises the format by the body when the content type says nothing', async () => {
    const h = harness({ mode: 'plain' });
    await h.handle(plainPost(textJson({ MsgId: '1' }), 'text/plain'));
    await h.handle({ ...plainPost(textXml({ MsgId: '2' })), contentType: undefined });
    expect(h.received.map((m) => m.MsgId)).toEqual(['1', '2']);
  });

  it('refuses a bad signature with 401 before reading the body', async () => {
    const h = harness({ mode: 'plain' });
    const query = signedQuery();
    const response = await h.handle(plainPost('<xml><not-even-valid', 'text/xml', { ...query, nonce: nextNonce() }));
    expectRefused(response, PushSignatureError, 401);
    expect(h.received).toEqual([]);
  });

  it('refuses an encrypted push: it has no key to open it', async () => {
    const h = harness({ mode: 'plain' });
    const crypto = new MessageCrypto({ token: TOKEN, encodingAESKey: KEY, appid: APPID });
    expectRefused(await h.handle(encryptedPost(crypto, textXml())), PushModeError, 400);
    expect(h.received).toEqual([]);
  });

  it('answers a passive reply in XML, addressed back to the user', async () => {
    const h = harness({ mode: 'plain' }, () => ({ MsgType: 'transfer_customer_service' }));
    h.clock.advance(2000);
    const response = await h.handle(plainPost(textXml()));
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(parseWechatXml(response.body)).toEqual({
      ToUserName: USER,
      FromUserName: MINI_PROGRAM,
      CreateTime: String(NOW_SECONDS + 2),
      MsgType: 'transfer_customer_service',
    });
  });

  it('answers a passive reply in JSON to a JSON push', async () => {
    const h = harness({ mode: 'plain' }, () => ({ MsgType: 'text', Content: '收到 ]]> 了' }));
    const response = await h.handle(plainPost(textJson()));
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(response.body)).toEqual({
      ToUserName: USER,
      FromUserName: MINI_PROGRAM,
      CreateTime: NOW_SECONDS,
      MsgType: 'text',
      Content: '收到 ]]> 了',
    });
  });

  it('does not count a captured signature replayed with another body as a new message', async () => {
    const h = harness({ mode: 'plain' });
    const query = signedQuery();
    await h.handle(plainPost(textXml({ Content: 'genuine', MsgId: '1' }), 'text/xml', query));
    const forged = await h.handle(plainPost(textXml({ Content: 'forged', MsgId: '2' }), 'text/xml', query));
    expectSuccess(forged, 'duplicate');
    expect(h.received.map((m) => m.Content)).toEqual(['genuine']);
  });
});

describe('safe mode', () => {
  const docRequest = () =>
    encryptedRequest({
      Encrypt: PUSH_DOC.push.Encrypt,
      timestamp: PUSH_DOC.push.timestamp,
      nonce: PUSH_DOC.push.nonce,
      token: PUSH_DOC.token,
      msgSignature: PUSH_DOC.push.msgSignature,
    });
  const docClock = () => new ManualClock(Number(PUSH_DOC.push.timestamp) * 1000);

  it("opens WeChat's documented debug_demo push", async () => {
    const h = harness({ token: PUSH_DOC.token, encodingAESKey: PUSH_DOC.encodingAESKey, appid: PUSH_DOC.appid, clock: docClock() });
    expectSuccess(await h.handle(docRequest()), 'handled');
    expect(h.received).toEqual([
      {
        ToUserName: 'gh_97417a04a28d',
        FromUserName: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
        CreateTime: 1715943329,
        MsgType: 'event',
        Event: 'debug_demo',
        debug_str: 'hello world',
      },
    ]);
  });

  it('refuses the documented push when configured for another appid (403), or with another token (401)', async () => {
    const foreign = harness({ token: PUSH_DOC.token, encodingAESKey: PUSH_DOC.encodingAESKey, appid: 'wx0000000000000000', clock: docClock() });
    expectRefused(await foreign.handle(docRequest()), PushWrongAppError, 403);
    const otherToken = harness({ token: 'BBBBB', encodingAESKey: PUSH_DOC.encodingAESKey, appid: PUSH_DOC.appid, clock: docClock() });
    expectRefused(await otherToken.handle(docRequest()), PushSignatureError, 401);
    expect([...foreign.received, ...otherToken.received]).toEqual([]);
  });

  it('refuses a tampered Encrypt (401: msg_signature covers it) and a missing msg_signature', async () => {
    const h = harness({ token: PUSH_DOC.token, encodingAESKey: PUSH_DOC.encodingAESKey, appid: PUSH_DOC.appid, clock: docClock() });
    const tampered = PUSH_DOC.push.Encrypt.replace(/^D/, 'E');
    const request = encryptedRequest({
      Encrypt: tampered,
      timestamp: PUSH_DOC.push.timestamp,
      nonce: PUSH_DOC.push.nonce,
      token: PUSH_DOC.token,
      msgSignature: PUSH_DOC.push.msgSignature,
    });
    expectRefused(await h.handle(request), PushSignatureError, 401);
    const { msg_signature: _dropped, ...query } = docRequest().query as Record<string, string>;
    expectRefused(await h.handle({ ...docRequest(), query }), PushSignatureError, 401);
    expect(h.received).toEqual([]);
  });

  it('refuses a plaintext push, even correctly signed', async () => {
    const h = harness();
    expectRefused(await h.handle(plainPost(textXml())), PushModeError, 400);
    expect(h.received).toEqual([]);
  });

  it('opens a JSON envelope around a JSON message', async () => {
    const h = harness();
    expectSuccess(await h.handle(encryptedPost(h.wechat, textJson({ Content: 'json inside' }), { envelope: 'json' })), 'handled');
    expect(h.received[0]).toMatchObject({ Content: 'json inside', MsgId: '24602289745563241' });
  });

  it('answers a passive reply encrypted and signed, in the formats of the push', async () => {
    const h = harness({}, () => ({ MsgType: 'transfer_customer_service' }));
    const response = await h.handle(encryptedPost(h.wechat, textXml()));
    expect(response.headers['content-type']).toBe('text/xml; charset=utf-8');
    const envelope = parseWechatXml(response.body);
    expect(envelope.TimeStamp).toBe(String(NOW_SECONDS));
    const inner = h.wechat.decrypt({
      Encrypt: String(envelope.Encrypt),
      msgSignature: String(envelope.MsgSignature),
      timestamp: String(envelope.TimeStamp),
      nonce: String(envelope.Nonce),
    });
    expect(parseWechatXml(inner)).toEqual({
      ToUserName: USER,
      FromUserName: MINI_PROGRAM,
      CreateTime: String(NOW_SECONDS),
      MsgType: 'transfer_customer_service',
    });

    const json = await h.handle(encryptedPost(h.wechat, textJson({ MsgId: '77' }), { envelope: 'json' }));
    const sealed = JSON.parse(json.body) as { Encrypt: string; MsgSignature: string; TimeStamp: number; Nonce: string };
    expect(sealed.TimeStamp).toBe(NOW_SECONDS);
    const innerJson = h.wechat.decrypt({
      Encrypt: sealed.Encrypt,
      msgSignature: sealed.MsgSignature,
      timestamp: String(sealed.TimeStamp),
      nonce: sealed.Nonce,
    });
    expect(JSON.parse(innerJson)).toMatchObject({ ToUserName: USER, MsgType: 'transfer_customer_service' });
  });

  it('refuses a correctly signed push whose timestamp is outside the window, either way', async () => {
    const h = harness({ replayWindowSeconds: 60 });
    expectRefused(await h.handle(encryptedPost(h.wechat, textXml({ MsgId: '1' }), { timestamp: NOW_SECONDS - 61 })), PushReplayError, 403);
    expectRefused(await h.handle(encryptedPost(h.wechat, textXml({ MsgId: '2' }), { timestamp: NOW_SECONDS + 61 })), PushReplayError, 403);
    expectSuccess(await h.handle(encryptedPost(h.wechat, textXml({ MsgId: '3' }), { timestamp: NOW_SECONDS - 60 })), 'handled');
    expect(h.received.map((m) => m.MsgId)).toEqual(['3']);
  });

  it('refuses a replay of a captured push once the window has passed', async () => {
    const h = harness();
    const captured = encryptedPost(h.wechat, textXml());
    expectSuccess(await h.handle(captured), 'handled');
    h.clock.advance(301_000);
    expectRefused(await h.handle(captured), PushReplayError, 403);
    expect(h.received).toHaveLength(1);
  });
});

describe('compatible mode', () => {
  it("opens the encrypted half of the Python sample's push and ignores the clear half", async () => {
    const { token, encodingAESKey, appid, timestamp, nonce, msgSignature: signature, Encrypt, clearFields } = PYTHON_SAMPLE;
    const h = harness({ token, encodingAESKey, appid, mode: 'compatible', clock: new ManualClock(Number(timestamp) * 1000) });
    const request = encryptedRequest({
      Encrypt,
      timestamp,
      nonce,
      token,
      msgSignature: signature,
      clearXml: clearFields.join('').replace('abcdteT', 'clear text differs'),
    });
    expectSuccess(await h.handle(request), 'handled');
    expect(h.received).toEqual([
      {
        ToUserName: 'gh_10f6c3c3ac5a',
        FromUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs',
        CreateTime: 1409735668,
        MsgType: 'text',
        Content: 'abcdteT',
        MsgId: '6054768590064713728',
      },
    ]);
  });

  it("opens the C++ sample's push", async () => {
    const { token, encodingAESKey, appid, timestamp, nonce, msgSignature: signature, Encrypt } = CPP_SAMPLE;
    const h = harness({ token, encodingAESKey, appid, mode: 'compatible', clock: new ManualClock(Number(timestamp) * 1000) });
    expectSuccess(await h.handle(encryptedRequest({ Encrypt, timestamp, nonce, token, msgSignature: signature })), 'handled');
    expect(h.received[0]).toMatchObject({ ToUserName: 'gh_10f6c3c3ac5a', MsgId: '6057404712141979648' });
  });

  it('refuses a forged plaintext body under the URL signature replayed from a genuine encrypted push (issue 10, item 3)', async () => {
    const h = harness({ mode: 'compatible' });
    const genuine = encryptedPost(h.wechat, textXml({ Content: 'genuine', MsgId: '1' }), { clearXml: '<Content><![CDATA[genuine]]></Content>' });
    expectSuccess(await h.handle(genuine), 'handled');
    const { signature, timestamp, nonce } = genuine.query as Record<string, string>;
    // The attacker keeps the URL signature, drops encrypt_type and msg_signature, and sends a plaintext body.
    const forged = plainPost(textXml({ Content: 'forged', MsgId: '2' }), 'text/xml', { signature, timestamp, nonce });
    expectRefused(await h.handle(forged), PushSignatureError, 401);
    // …also with a fresh, genuinely signed query: a plaintext-only POST is never WeChat's in compatible mode.
    expectRefused(await h.handle(plainPost(textXml({ Content: 'forged', MsgId: '3' }))), PushSignatureError, 401);
    expect(h.received.map((message) => message.Content)).toEqual(['genuine']);
  });
});

describe('plain mode: the URL check signature', () => {
  it('replayed as a POST with a forged body within the window never reaches onMessage (issue 10, item 4)', async () => {
    const h = harness({ mode: 'plain', encodingAESKey: undefined });
    const check = { ...signedQuery(), echostr: 'echo-1' };
    expect(await h.handle({ method: 'GET', query: check })).toMatchObject({ status: 200, body: 'echo-1', outcome: 'verified' });
    const { signature, timestamp, nonce } = check;
    h.clock.advance(60_000);
    expectSuccess(await h.handle(plainPost(textXml({ Content: 'forged' }), 'text/xml', { signature, timestamp, nonce })), 'duplicate');
    expect(h.received).toEqual([]);
    // A repeated URL check is answered; a genuine push with its own signature is handled.
    expect(await h.handle({ method: 'GET', query: check })).toMatchObject({ status: 200, outcome: 'verified' });
    expectSuccess(await h.handle(plainPost(textXml())), 'handled');
    expect(h.received).toHaveLength(1);
  });
});

describe("WeChat's retries and replays", () => {
  it('gives a push retried four times to onMessage once, answering success each time', async () => {
    const h = harness();
    const push = encryptedPost(h.wechat, textXml());
    const responses = [];
    for (let i = 0; i < 4; i += 1) responses.push(await h.handle(push));
    expect(responses.map((r) => [r.status, r.body, r.outcome])).toEqual([
      [200, 'success', 'handled'],
      [200, 'success', 'duplicate'],
      [200, 'success', 'duplicate'],
      [200, 'success', 'duplicate'],
    ]);
    expect(h.received).toHaveLength(1);
  });

  it('recognises a retry re-signed with a new nonce and timestamp by its MsgId', async () => {
    const h = harness();
    await h.handle(encryptedPost(h.wechat, textXml()));
    h.clock.advance(5000);
    expectSuccess(await h.handle(encryptedPost(h.wechat, textXml(), { timestamp: NOW_SECONDS + 5 })), 'duplicate');
    expectSuccess(await h.handle(encryptedPost(h.wechat, textXml({ MsgId: '24602289745563242' }), { timestamp: NOW_SECONDS + 5 })), 'handled');
    expect(h.received.map((m) => m.MsgId)).toEqual(['24602289745563241', '24602289745563242']);
  });

  it('tells events apart by user, second and event name', async () => {
    const h = harness();
    await h.handle(encryptedPost(h.wechat, enterSessionXml()));
    await h.handle(encryptedPost(h.wechat, enterSessionXml()));
    await h.handle(encryptedPost(h.wechat, enterSessionXml(NOW_SECONDS, 'oB_other_user_02')));
    await h.handle(encryptedPost(h.wechat, enterSessionXml(NOW_SECONDS + 1)));
    await h.handle(encryptedPost(h.wechat, enterSessionXml(NOW_SECONDS, USER, 'kf_close_session')));
    expect(h.received.map((m) => `${m.FromUserName}@${m.CreateTime}:${m.Event}`)).toEqual([
      `${USER}@${NOW_SECONDS}:user_enter_tempsession`,
      `oB_other_user_02@${NOW_SECONDS}:user_enter_tempsession`,
      `${USER}@${NOW_SECONDS + 1}:user_enter_tempsession`,
      `${USER}@${NOW_SECONDS}:kf_close_session`,
    ]);
  });

  it('gives concurrent deliveries of one push to onMessage once', async () => {
    const h = harness();
    const push = encryptedPost(h.wechat, textXml());
    const responses = await Promise.all([h.handle(push), h.handle(push), h.handle(push)]);
    expect(responses.map((r) => r.outcome).sort()).toEqual(['duplicate', 'duplicate', 'handled']);
    expect(h.received).toHaveLength(1);
  });

  it('answers success when onMessage fails, reports it, and handles the retry again', async () => {
    let calls = 0;
    const h = harness({}, () => {
      calls += 1;
      if (calls === 1) throw new Error('database is down');
      return undefined;
    });
    const push = encryptedPost(h.wechat, textXml());
    const first = await h.handle(push);
    expectSuccess(first, 'failed');
    expect(first.body).not.toContain('database');
    expect(h.errors).toEqual([{ error: new Error('database is down'), stage: 'onMessage' }]);
    expectSuccess(await h.handle(push), 'handled');
    expect(calls).toBe(2);
  });

  it('uses the DedupeStore it is given, with a ttl of twice the replay window', async () => {
    const claims: Array<[string, number, number]> = [];
    const store: DedupeStore = {
      claim: async (key, ttlMs, nowMs) => {
        claims.push([key, ttlMs, nowMs]);
        return true;
      },
      release: () => undefined,
    };
    const h = harness({ dedupe: store, replayWindowSeconds: 120 });
    const push = encryptedPost(h.wechat, textXml());
    await h.handle(push);
    expect(claims).toEqual([
      [`sig:${String(push.query.msg_signature)}`, 240_000, NOW_SECONDS * 1000],
      [`msg:${USER}:24602289745563241`, 240_000, NOW_SECONDS * 1000],
    ]);
  });

  it("answers 503 (WeChat retries) when the DedupeStore fails: not the caller's fault", async () => {
    const h = harness({
      dedupe: {
        claim: () => Promise.reject(new Error('redis unreachable')),
        release: () => undefined,
      },
    });
    const response = await h.handle(encryptedPost(h.wechat, textXml()));
    expect(response).toMatchObject({ status: 503, outcome: 'unavailable' });
    expect(response.body).not.toContain('redis');
    expect(h.errors.map((e) => e.stage)).toEqual(['internal']);
    expect(h.received).toEqual([]);
  });

  it('answers success when the reply cannot be written, and reports it', async () => {
    const h = harness({ mode: 'plain' }, () => ({ MsgType: 'text', 'bad name': 'x' }));
    expectSuccess(await h.handle(plainPost(textXml())), 'failed');
    expect(h.errors.map((e) => e.stage)).toEqual(['reply']);
  });
});

describe('bad input', () => {
  it('refuses other methods with 405 and an Allow header', async () => {
    const h = harness();
    const response = await h.handle({ method: 'PUT', query: signedQuery(), body: textXml() });
    expectRefused(response, PushMethodError, 405);
    expect(response.headers.allow).toBe('GET, POST');
  });

  it('refuses a body over the cap with 413 before anything else', async () => {
    const h = harness({ mode: 'plain', maxBodyBytes: 1024 });
    expectRefused(await h.handle(plainPost(textXml({ Content: 'x'.repeat(1024) }), 'text/xml', {})), PushBodyTooLargeError, 413);
    expectRefused(await h.handle({ ...plainPost(''), body: '长'.repeat(342) }), PushBodyTooLargeError, 413);
  });

  it('refuses other content types (415), empty bodies and bodies that are not UTF-8 (400)', async () => {
    const h = harness({ mode: 'plain' });
    expectRefused(await h.handle(plainPost(textXml(), 'multipart/form-data; boundary=x')), PushMediaTypeError, 415);
    expectRefused(await h.handle(plainPost('  ')), PushMalformedError, 400);
    expectRefused(await h.handle({ ...plainPost(textXml()), body: Buffer.from([0x3c, 0x78, 0xff, 0xfe]) }), PushMalformedError, 400);
    expectRefused(await h.handle({ ...plainPost(textXml()), body: undefined }), PushMalformedError, 400);
  });

  it.each([
    ['a DOCTYPE with an external entity', '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>'],
    ['an entity that is not declared', '<xml><ToUserName>gh</ToUserName><Content>&e;</Content></xml>'],
    ['attributes', '<xml><ToUserName id="1">gh</ToUserName></xml>'],
    ['a comment', '<xml><!-- hi --><ToUserName>gh</ToUserName></xml>'],
    ['another root element', '<root><ToUserName>gh</ToUserName></root>'],
    ['an unclosed element', '<xml><ToUserName>gh</ToUserName>'],
    ['a field missing', '<xml><ToUserName>gh</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType></xml>'],
    ['JSON that is not an object', '["ToUserName"]'],
    ['JSON with a CreateTime that is not seconds', textJson().replace(`${NOW_SECONDS}`, '"yesterday"')],
    ['JSON with a prototype key', '{"__proto__":{"admin":true},"ToUserName":"gh"}'],
  ])('refuses %s with 400, correctly signed', async (_label, body) => {
    const h = harness({ mode: 'plain' });
    expectRefused(await h.handle(plainPost(body)), PushMalformedError, 400);
    expect(h.received).toEqual([]);
  });

  it('refuses a repeated query parameter', async () => {
    const h = harness({ mode: 'plain' });
    const query = signedQuery();
    expectRefused(await h.handle(plainPost(textXml(), 'text/xml', { ...query, signature: [query.signature, query.signature] })), PushMalformedError, 400);
  });

  it('never puts the token, the key, the body or a stack trace in an answer', async () => {
    const h = harness();
    const answers = await Promise.all([
      h.handle(encryptedPost(h.wechat, '<xml><Content>Secret content</Content></xml>')),
      h.handle(encryptedRequest({ Encrypt: 'bm90IGNpcGhlcnRleHQ=', timestamp: String(NOW_SECONDS), nonce: '1' })),
      h.handle({ method: 'POST', query: null as never, body: 'x' }),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      for (const secret of [TOKEN, KEY, 'Secret content', '    at ']) expect(answer.body).not.toContain(secret);
    }
  });

  it('refuses a configuration it cannot work with', () => {
    const onMessage = () => undefined;
    expect(() => createPushHandler({ token: '', appid: APPID, onMessage })).toThrow(/token/);
    expect(() => createPushHandler({ token: TOKEN, appid: APPID, mode: 'safe', onMessage })).toThrow(/encodingAESKey/);
    expect(() => createPushHandler({ token: TOKEN, appid: APPID, encodingAESKey: 'short', onMessage })).toThrow(/EncodingAESKey/);
    expect(() => createPushHandler({ token: TOKEN, appid: APPID, replayWindowSeconds: 0, onMessage })).toThrow(/replayWindowSeconds/);
  });
});
