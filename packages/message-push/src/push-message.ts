import { PushMalformedError } from './errors';
import { asPushRecord } from './json-body';
import type { PushRecord, PushValue, StructureLimits } from './push-value';

/**
 * One message or event WeChat pushed, whatever the wire format: the fields every push has,
 * normalised (CreateTime a number, MsgId a string of digits so no 64-bit id is rounded), and
 * every other field as it came (`Event`, `Content`, `PicUrl`, `SessionFrom`, `debug_str`...).
 */
export interface PushMessage {
  /** The mini program's original id (gh_...). */
  readonly ToUserName: string;
  /** The user's openid. */
  readonly FromUserName: string;
  /** Seconds since the epoch. */
  readonly CreateTime: number;
  /** `text`, `image`, `miniprogrampage`, `event`... */
  readonly MsgType: string;
  /** Present on user messages, absent on events. */
  readonly MsgId?: string;
  /** The event name when MsgType is `event` (`user_enter_tempsession`, ...). */
  readonly Event?: string;
  /** The text of a `text` message. */
  readonly Content?: string;
  readonly [field: string]: PushValue | undefined;
}

const DIGITS = /^\d{1,40}$/;
const SECONDS = /^\d{1,12}$/;

function requiredString(record: PushRecord, field: string): string {
  const value = record[field];
  if (typeof value !== 'string' || value === '') throw new PushMalformedError(`${field} is missing or not a string`);
  return value;
}

function optionalString(record: PushRecord, field: string): string | undefined {
  const value = record[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new PushMalformedError(`${field} is not a string`);
  return value;
}

function createTime(value: PushValue | undefined): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && SECONDS.test(value)) return Number(value);
  throw new PushMalformedError('CreateTime is missing or not a number of seconds');
}

function msgId(value: PushValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && DIGITS.test(value)) return value;
  // A number past 2^53 arrives already rounded; its digits are the best there is.
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return BigInt(value).toString();
  throw new PushMalformedError('MsgId is not a number');
}

/** The message in a parsed body; a PushMalformedError names the first field that is wrong. */
export function toPushMessage(record: PushRecord): PushMessage {
  const id = msgId(record.MsgId);
  const event = optionalString(record, 'Event');
  const content = optionalString(record, 'Content');
  const message: Record<string, PushValue | undefined> = {
    ...record,
    ToUserName: requiredString(record, 'ToUserName'),
    FromUserName: requiredString(record, 'FromUserName'),
    CreateTime: createTime(record.CreateTime),
    MsgType: requiredString(record, 'MsgType'),
  };
  if (id === undefined) delete message.MsgId;
  else message.MsgId = id;
  if (event !== undefined) message.Event = event;
  if (content !== undefined) message.Content = content;
  return message as PushMessage;
}

/**
 * The message in a cloud function's event (云开发消息推送 passes the push as the event): the
 * same checks as a body, for a value that has not been through a parser of ours.
 */
export function pushMessageFromEvent(event: unknown, limits?: StructureLimits): PushMessage {
  return toPushMessage(asPushRecord(event, limits));
}

/**
 * What identifies a push across WeChat's retries: the MsgId for user messages; for events, which
 * have none, the user, the second and the event (WeChat's advice is FromUserName + CreateTime;
 * the event name keeps two different events of one second apart). The user is part of the
 * message key too, so a MsgId rounded in transit can only collide with that user's own messages.
 */
export function dedupeKey(message: PushMessage): string {
  if (message.MsgId !== undefined) return `msg:${message.FromUserName}:${message.MsgId}`;
  return `event:${message.FromUserName}:${message.CreateTime}:${message.MsgType}:${message.Event ?? ''}`;
}
