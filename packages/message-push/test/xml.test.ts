import { parseWechatXml, PushMalformedError, toWechatXml } from '../src';
import { JAVA_SAMPLE, PUSH_DOC } from '@wxhub/wechat-crypto/testing';

function refusal(xml: string, limits?: { maxDepth: number; maxNodes: number }): string {
  try {
    parseWechatXml(xml, limits);
  } catch (error) {
    if (error instanceof PushMalformedError) return error.message;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(xml)} to be refused`);
}

describe('parseWechatXml', () => {
  it("reads WeChat's documented message, newlines between fields included", () => {
    expect(parseWechatXml(PUSH_DOC.push.message)).toEqual({
      ToUserName: 'gh_97417a04a28d',
      FromUserName: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
      CreateTime: '1715943329',
      MsgType: 'event',
      Event: 'debug_demo',
      debug_str: 'hello world',
    });
  });

  it("reads the nested fields of the Java sample's reply", () => {
    expect(parseWechatXml(JAVA_SAMPLE.replyMsg2)).toMatchObject({
      ToUserName: 'oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw',
      MsgType: 'video',
      Video: { MediaId: 'eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0', Title: 'testCallBackReplyVideo' },
    });
  });

  it('takes the declaration, CDATA sections joined with text, entities and character references', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<xml>\n  <A><![CDATA[x]]]]><![CDATA[>y]]></A><B>&lt;&amp;&gt;&quot;&apos;&#20320;&#x597D;</B><C/><D></D><E>  </E>\n</xml>\n';
    expect(parseWechatXml(xml)).toEqual({ A: 'x]]>y', B: '<&>"\'你好', C: '', D: '', E: '  ' });
  });

  it('collects repeated elements into an array, as in subscribe-message events', () => {
    const xml =
      '<xml><SubscribeMsgPopupEvent><List><TemplateId>t1</TemplateId><SubscribeStatusString>accept</SubscribeStatusString></List>' +
      '<List><TemplateId>t2</TemplateId><SubscribeStatusString>reject</SubscribeStatusString></List></SubscribeMsgPopupEvent></xml>';
    expect(parseWechatXml(xml)).toEqual({
      SubscribeMsgPopupEvent: {
        List: [
          { TemplateId: 't1', SubscribeStatusString: 'accept' },
          { TemplateId: 't2', SubscribeStatusString: 'reject' },
        ],
      },
    });
  });

  it('keeps a field named like an Object.prototype member a plain field', () => {
    expect(parseWechatXml('<xml><constructor>a</constructor><toString>b</toString><toString>c</toString></xml>')).toEqual({
      constructor: 'a',
      toString: ['b', 'c'],
    });
  });

  it.each([
    ['<!DOCTYPE xml [<!ENTITY x "y">]><xml><A>&x;</A></xml>', /DOCTYPE/],
    ['<xml><!DOCTYPE x><A>1</A></xml>', /DOCTYPE/],
    ['<xml><A>&x;</A></xml>', /entity/],
    ['<xml><A>a & b</A></xml>', /entity/],
    ['<xml><A>&#0;</A></xml>', /character reference/],
    ['<xml><A>&#xD800;</A></xml>', /character reference/],
    ['<xml><A b="1">x</A></xml>', /attributes/],
    ['<xml><!-- c --></xml>', /comments/],
    ['<xml><?php x ?></xml>', /processing instructions/],
    ['<xml><A>x<B>y</B></A></xml>', /mixes text/],
    ['<xml>text</xml>', /root element holds text/],
    ['<other></other>', /root element must be <xml>/],
    ['<xml><A>x</B></xml>', /does not match/],
    ['<xml><A>x</A>', /ends before/],
    ['<xml><A><![CDATA[x</A></xml>', /CDATA/],
    ['<xml></xml><xml></xml>', /after <\/xml>/],
    ['<xml><__proto__>x</__proto__></xml>', /not allowed/],
    ['<xml><1A>x</1A></xml>', /element name/],
    [`<xml><${'A'.repeat(65)}>x</${'A'.repeat(65)}></xml>`, /longer than 64/],
    ['just text', /must start with <xml>/],
  ])('refuses %s', (xml, reason) => {
    expect(refusal(xml)).toMatch(reason);
  });

  it('refuses nesting and element counts past the limits', () => {
    const nest = (depth: number) => `${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}`;
    expect(parseWechatXml(`<xml>${nest(5)}</xml>`, { maxDepth: 6, maxNodes: 100 })).toBeDefined();
    expect(refusal(`<xml>${nest(6)}</xml>`, { maxDepth: 6, maxNodes: 100 })).toMatch(/deeper than 6/);
    expect(refusal(`<xml>${'<a>x</a>'.repeat(100)}</xml>`, { maxDepth: 6, maxNodes: 100 })).toMatch(/more than 100 elements/);
    expect(refusal(`<xml>${'<a>'.repeat(20_000)}`)).toMatch(/deeper than/);
  });
});

describe('toWechatXml', () => {
  it('writes strings in CDATA, numbers bare, records nested and arrays repeated, and reads back the same', () => {
    const fields = { ToUserName: 'o]]>x', CreateTime: 1767225600, MsgType: 'news', Articles: { item: [{ Title: 'a' }, { Title: 'b' }] }, Empty: null };
    const xml = toWechatXml(fields);
    expect(xml).toBe(
      '<xml><ToUserName><![CDATA[o]]]]><![CDATA[>x]]></ToUserName><CreateTime>1767225600</CreateTime><MsgType><![CDATA[news]]></MsgType>' +
        '<Articles><item><Title><![CDATA[a]]></Title></item><item><Title><![CDATA[b]]></Title></item></Articles><Empty></Empty></xml>',
    );
    expect(parseWechatXml(xml)).toEqual({ ...fields, CreateTime: '1767225600', Empty: '' });
  });

  it('refuses names and values XML cannot carry', () => {
    expect(() => toWechatXml({ 'a b': 'x' })).toThrow(/not a valid XML element name/);
    expect(() => toWechatXml({ N: Number.NaN })).toThrow(/finite/);
  });
});
