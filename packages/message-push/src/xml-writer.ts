import { InvalidArgumentError } from '@wxhub/core';
import type { PushRecord, PushValue } from './push-value';

const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/**
 * WeChat's XML for a reply: `<xml>` around one element per field, strings in CDATA, numbers and
 * booleans bare, records nested, arrays as the element repeated (`Articles: {item: [...]}` gives
 * `<Articles><item>…</item><item>…</item></Articles>`). The fields come from the application,
 * so a bad name or value is an InvalidArgumentError, not a malformed document.
 */
export function toWechatXml(fields: PushRecord): string {
  return `<xml>${elements(fields)}</xml>`;
}

function elements(fields: PushRecord): string {
  let out = '';
  for (const [name, value] of Object.entries(fields)) out += element(name, value);
  return out;
}

function element(name: string, value: PushValue): string {
  if (!ELEMENT_NAME.test(name)) throw new InvalidArgumentError(`reply field ${JSON.stringify(name.slice(0, 64))}`, 'is not a valid XML element name');
  if (Array.isArray(value)) return (value as readonly PushValue[]).map((item) => element(name, item)).join('');
  return `<${name}>${content(name, value)}</${name}>`;
}

function content(name: string, value: PushValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return cdata(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidArgumentError(`reply field ${name}`, 'must be a finite number');
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'object') return elements(value as PushRecord);
  throw new InvalidArgumentError(`reply field ${name}`, `cannot be written as XML (${typeof value})`);
}

/** A CDATA section cannot contain `]]>`: close it after `]]` and open a new one before `>`. */
function cdata(text: string): string {
  return `<![CDATA[${text.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}
