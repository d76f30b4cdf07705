import type { PushMessage } from '@wxhub/message-push';

/**
 * What the automatic customer service answers. Kept as data: a team changes the words here,
 * not the logic. A text message gets the reply of the first rule with a keyword it contains,
 * else TEXT_DEFAULT.
 */
export const GREETING = '您好，欢迎咨询！回复「帮助」查看常见问题，或直接留言，客服会尽快回复您。';
export const TEXT_DEFAULT = '已收到您的消息，客服会尽快回复您。回复「帮助」查看常见问题。';
export const MEDIA_RECEIVED = '已收到，客服会尽快查看并回复您。';

export interface KeywordRule {
  /** Matched case-insensitively anywhere in the message. */
  readonly keywords: readonly string[];
  readonly reply: string;
}

export const KEYWORD_RULES: readonly KeywordRule[] = [
  { keywords: ['帮助', 'help'], reply: '可以回复：「订单」查看订单，「发票」了解开票，「人工」联系客服。' },
  { keywords: ['订单', 'order'], reply: '请在小程序「我的 - 订单」中查看订单状态和物流。' },
  { keywords: ['发票', 'invoice'], reply: '订单完成后，可在「我的 - 订单 - 申请发票」中开具电子发票。' },
  { keywords: ['人工', '客服'], reply: '已为您通知客服，工作时间（9:00–18:00）内会尽快回复。' },
];

/** Message types a user can send in the session besides text (WeChat's names). */
const MEDIA_TYPES = new Set(['image', 'miniprogrampage']);

/** The text to send back, or undefined when the push calls for no answer. */
export function replyTo(message: PushMessage, rules: readonly KeywordRule[] = KEYWORD_RULES): string | undefined {
  if (message.MsgType === 'event') return message.Event === 'user_enter_tempsession' ? GREETING : undefined;
  if (message.MsgType === 'text') {
    const text = (message.Content ?? '').toLowerCase();
    const rule = rules.find((candidate) => candidate.keywords.some((keyword) => text.includes(keyword.toLowerCase())));
    return rule ? rule.reply : TEXT_DEFAULT;
  }
  return MEDIA_TYPES.has(message.MsgType) ? MEDIA_RECEIVED : undefined;
}
