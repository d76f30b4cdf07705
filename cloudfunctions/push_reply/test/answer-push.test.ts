import { answerPush, PUSH_ANSWER, type PushDependencies } from '../src/answer-push';
import { GREETING, KEYWORD_RULES, MEDIA_RECEIVED, replyTo, TEXT_DEFAULT } from '../src/replies';
import { toPushMessage } from '@wxhub/message-push';

const USER = 'oB_push_user_0001';

function text(Content: string, MsgId = '24602289745563241') {
  return { ToUserName: 'gh_0123456789ab', FromUserName: USER, CreateTime: 1767225600, MsgType: 'text', Content, MsgId };
}

function enterSession(CreateTime = 1767225600) {
  return { ToUserName: 'gh_0123456789ab', FromUserName: USER, CreateTime, MsgType: 'event', Event: 'user_enter_tempsession', SessionFrom: '' };
}

/** Dependencies that remember what was claimed, sent and logged. */
function fakes(overrides: Partial<PushDependencies> = {}) {
  const claimed = new Set<string>();
  const sent: Array<[string, string]> = [];
  const logged: string[] = [];
  const deps: PushDependencies = {
    caller: USER,
    claim: async (key) => {
      if (claimed.has(key)) return false;
      claimed.add(key);
      return true;
    },
    sendText: async (touser, content) => {
      sent.push([touser, content]);
    },
    log: { error: (line) => logged.push(line) },
    ...overrides,
  };
  return { deps, claimed, sent, logged };
}

describe('replyTo', () => {
  it.each([
    ['帮助', KEYWORD_RULES[0]?.reply],
    ['HELP me', KEYWORD_RULES[0]?.reply],
    ['我的订单到哪了', KEYWORD_RULES[1]?.reply],
    ['订单的发票怎么开', KEYWORD_RULES[1]?.reply],
    ['能开发票吗', KEYWORD_RULES[2]?.reply],
    ['转人工', KEYWORD_RULES[3]?.reply],
    ['随便说点什么', TEXT_DEFAULT],
  ])('answers the text %j by the first rule whose keyword it contains', (content, expected) => {
    expect(expected).toBeDefined();
    expect(replyTo(toPushMessage(text(content)))).toBe(expected);
  });

  it('greets a user who opens the session, acknowledges media, and ignores other events', () => {
    expect(replyTo(toPushMessage(enterSession()))).toBe(GREETING);
    expect(replyTo(toPushMessage({ ...text(''), MsgType: 'image', PicUrl: 'http://x/y.jpg', MediaId: 'm' }))).toBe(MEDIA_RECEIVED);
    expect(replyTo(toPushMessage({ ...text(''), MsgType: 'miniprogrampage', Title: 't' }))).toBe(MEDIA_RECEIVED);
    expect(replyTo(toPushMessage({ ...enterSession(), Event: 'kf_close_session' }))).toBeUndefined();
    expect(replyTo(toPushMessage({ ...text(''), MsgType: 'voice' }))).toBeUndefined();
  });
});

describe('answerPush', () => {
  it('sends the reply to the user who wrote, and answers success', async () => {
    const { deps, sent } = fakes();
    expect(await answerPush(text('订单'), deps)).toBe(PUSH_ANSWER);
    expect(sent).toEqual([[USER, KEYWORD_RULES[1]?.reply]]);
  });

  it('answers once however often WeChat retries a message or an event', async () => {
    const { deps, sent, claimed } = fakes();
    for (let i = 0; i < 4; i += 1) await answerPush(text('hi'), deps);
    for (let i = 0; i < 3; i += 1) await answerPush(enterSession(), deps);
    await answerPush(enterSession(1767225601), deps);
    expect(sent.map(([, content]) => content)).toEqual([TEXT_DEFAULT, GREETING, GREETING]);
    expect([...claimed]).toEqual([
      `msg:${USER}:24602289745563241`,
      `event:${USER}:1767225600:event:user_enter_tempsession`,
      `event:${USER}:1767225601:event:user_enter_tempsession`,
    ]);
  });

  it('answers success when sending fails, logging the errCode without the openid', async () => {
    const failure = Object.assign(new Error('errCode: 45015 | errMsg: response out of time limit'), { errCode: 45015 });
    const { deps, logged } = fakes({ sendText: () => Promise.reject(failure) });
    expect(await answerPush(text('hi'), deps)).toBe(PUSH_ANSWER);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('errCode 45015');
    expect(logged[0]).not.toContain(USER);
  });

  it('answers anyway when the dedupe record cannot be written', async () => {
    const { deps, sent, logged } = fakes({ claim: () => Promise.reject(new Error('-501001 database unavailable')) });
    expect(await answerPush(text('hi'), deps)).toBe(PUSH_ANSWER);
    expect(sent).toHaveLength(1);
    expect(logged[0]).toContain('answering anyway');
  });

  it('sends nothing for an event that is not a push, and records nothing for a push that needs no answer', async () => {
    const { deps, sent, claimed, logged } = fakes();
    for (const event of [undefined, 'x', {}, { ...text('hi'), CreateTime: 'noon' }]) expect(await answerPush(event, deps)).toBe(PUSH_ANSWER);
    expect(await answerPush({ ...enterSession(), Event: 'kf_close_session' }, deps)).toBe(PUSH_ANSWER);
    expect(sent).toEqual([]);
    expect(claimed.size).toBe(0);
    expect(logged).toHaveLength(4);
  });

  it('does not message another user when called with a forged event', async () => {
    const { deps, sent } = fakes({ caller: 'oB_attacker_0002' });
    expect(await answerPush(text('hi'), deps)).toBe(PUSH_ANSWER);
    const anonymous = fakes({ caller: undefined });
    await answerPush(text('hi'), anonymous.deps);
    expect([...sent, ...anonymous.sent]).toEqual([]);
  });
});
