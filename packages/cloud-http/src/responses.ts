import { ProtocolError } from '@wxhub/core';

/**
 * Readers for the fields of WeChat's answers. The client (WeChatClient) has already turned a
 * non-zero errcode into a WeChatApiError; what reaches here is a success whose shape is checked
 * field by field, so a malformed answer is a ProtocolError naming the API and the field.
 */
export type Answer = Readonly<Record<string, unknown>>;

export function numberField(answer: Answer, field: string, api: string): number {
  const value = answer[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ProtocolError(api, `${field} is missing or not a number`);
  return value;
}

export function stringField(answer: Answer, field: string, api: string): string {
  const value = answer[field];
  if (typeof value !== 'string') throw new ProtocolError(api, `${field} is missing or not a string`);
  return value;
}

export function arrayField(answer: Answer, field: string, api: string): unknown[] {
  const value = answer[field];
  if (!Array.isArray(value)) throw new ProtocolError(api, `${field} is missing or not an array`);
  return value;
}

export function objectField(answer: Answer, field: string, api: string): Answer {
  const value = answer[field];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError(api, `${field} is missing or not an object`);
  return value as Answer;
}

export function objectItem(item: unknown, where: string, api: string): Answer {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new ProtocolError(api, `${where} is not an object`);
  return item as Answer;
}
