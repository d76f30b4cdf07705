import { PushMalformedError } from './errors';
import { DEFAULT_STRUCTURE_LIMITS, isForbiddenFieldName, type PushRecord, type PushValue, type StructureLimits } from './push-value';

/**
 * A strict reader of the XML WeChat pushes: `<xml><Tag><![CDATA[...]]></Tag>...</xml>`, elements
 * holding either text (with CDATA sections and the five predefined entities or character
 * references) or child elements, repeated tags collected into arrays. Everything a general XML
 * parser would add is refused rather than ignored: DOCTYPE and entity declarations (so there is
 * no entity expansion and no external entity to fetch), comments, processing instructions after
 * the declaration, attributes, mixed content. It scans the text once, with an explicit stack,
 * so its cost is linear in the body and its depth is bounded by `limits`, never by the call stack.
 */

const NAME_START = /[A-Za-z_]/;
const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const MAX_NAME_LENGTH = 64;
const WHITESPACE = /[ \t\r\n]*/y;
const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));/y;
const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const CDATA_OPEN = '<![CDATA[';
const CDATA_CLOSE = ']]>';

interface Frame {
  readonly name: string;
  readonly fields: Record<string, PushValue>;
  hasChildren: boolean;
  text: string;
}

function malformed(reason: string): never {
  throw new PushMalformedError(`XML ${reason}`);
}

export function parseWechatXml(xml: string, limits: StructureLimits = DEFAULT_STRUCTURE_LIMITS): PushRecord {
  const reader = new Reader(xml);
  reader.skipWhitespace();
  if (reader.startsWith('<?xml')) {
    const end = xml.indexOf('?>', reader.at);
    if (end === -1) malformed('declaration is not closed');
    reader.at = end + 2;
    reader.skipWhitespace();
  }
  if (reader.startsWith('<!')) malformed('DOCTYPE, entity declarations and comments are not allowed');
  if (!reader.startsWith('<')) malformed('body must start with <xml>');
  reader.at += 1;
  const rootName = reader.openTagRest();
  if (rootName.selfClosing) malformed('root element is empty');
  if (rootName.name !== 'xml') malformed('root element must be <xml>');

  const stack: Frame[] = [newFrame('xml')];
  let nodes = 1;
  let root: PushRecord | undefined;

  while (root === undefined) {
    const top = stack[stack.length - 1];
    if (top === undefined || reader.at >= xml.length) malformed('ends before </xml>');
    if (xml.charCodeAt(reader.at) !== 0x3c /* < */) {
      const next = xml.indexOf('<', reader.at);
      if (next === -1) malformed('ends before </xml>');
      top.text += decodeText(xml.slice(reader.at, next));
      reader.at = next;
    } else if (reader.startsWith(CDATA_OPEN)) {
      const end = xml.indexOf(CDATA_CLOSE, reader.at + CDATA_OPEN.length);
      if (end === -1) malformed('CDATA section is not closed');
      top.text += xml.slice(reader.at + CDATA_OPEN.length, end);
      reader.at = end + CDATA_CLOSE.length;
    } else if (reader.startsWith('</')) {
      reader.at += 2;
      const name = reader.name();
      reader.skipWhitespace();
      reader.expect('>', `closing tag </${name}> is malformed`);
      if (name !== top.name) malformed(`closing tag </${name}> does not match <${top.name}>`);
      stack.pop();
      const value = closeFrame(top);
      const parent = stack[stack.length - 1];
      if (parent) addField(parent, name, value);
      else if (typeof value !== 'string') root = value;
      else if (value.trim() === '') root = {};
      else malformed('root element holds text, not fields');
    } else if (reader.startsWith('<!')) {
      malformed('DOCTYPE, entity declarations and comments are not allowed');
    } else if (reader.startsWith('<?')) {
      malformed('processing instructions are not allowed');
    } else {
      reader.at += 1;
      const { name, selfClosing } = reader.openTagRest();
      nodes += 1;
      if (nodes > limits.maxNodes) malformed(`has more than ${limits.maxNodes} elements`);
      if (stack.length + 1 > limits.maxDepth) malformed(`nests deeper than ${limits.maxDepth} levels`);
      top.hasChildren = true;
      if (selfClosing) addField(top, name, '');
      else stack.push(newFrame(name));
    }
  }
  reader.skipWhitespace();
  if (reader.at !== xml.length) malformed('has content after </xml>');
  return root;
}

function newFrame(name: string): Frame {
  return { name, fields: {}, hasChildren: false, text: '' };
}

function closeFrame(frame: Frame): string | PushRecord {
  if (!frame.hasChildren) return frame.text;
  if (frame.text.trim() !== '') malformed(`<${frame.name}> mixes text and elements`);
  return frame.fields;
}

function addField(frame: Frame, name: string, value: PushValue): void {
  if (isForbiddenFieldName(name)) malformed(`element name <${name}> is not allowed`);
  if (!Object.prototype.hasOwnProperty.call(frame.fields, name)) {
    frame.fields[name] = value;
    return;
  }
  // XML values are strings or records, so an array here can only come from repetition.
  const existing = frame.fields[name];
  frame.fields[name] = Array.isArray(existing) ? [...(existing as PushValue[]), value] : [existing as PushValue, value];
}

/** Text between tags: the predefined entities and character references, nothing else after `&`. */
function decodeText(raw: string): string {
  if (raw.indexOf('&') === -1) return raw;
  let out = '';
  let at = 0;
  for (let amp = raw.indexOf('&'); amp !== -1; amp = raw.indexOf('&', at)) {
    out += raw.slice(at, amp);
    ENTITY.lastIndex = amp;
    const match = ENTITY.exec(raw);
    if (!match) malformed('text holds an undeclared entity or a bare &');
    const [whole, named, decimal, hex] = match;
    if (named !== undefined) out += NAMED_ENTITIES[named] ?? '';
    else out += characterFrom(decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16));
    at = amp + whole.length;
  }
  return out + raw.slice(at);
}

/** The characters XML 1.0 allows a reference to (no NUL, no lone surrogates). */
function characterFrom(code: number): string {
  const allowed =
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  if (!allowed) malformed('text holds a character reference to a character XML does not allow');
  return String.fromCodePoint(code);
}

class Reader {
  at = 0;
  constructor(private readonly text: string) {}

  startsWith(prefix: string): boolean {
    return this.text.startsWith(prefix, this.at);
  }

  skipWhitespace(): void {
    WHITESPACE.lastIndex = this.at;
    WHITESPACE.exec(this.text);
    this.at = WHITESPACE.lastIndex;
  }

  expect(char: string, reason: string): void {
    if (this.text[this.at] !== char) malformed(reason);
    this.at += 1;
  }

  name(): string {
    if (!NAME_START.test(this.text[this.at] ?? '')) malformed('has a tag without a valid element name');
    NAME.lastIndex = this.at;
    const match = NAME.exec(this.text);
    const name = match?.[0] ?? '';
    if (name.length > MAX_NAME_LENGTH) malformed(`has an element name longer than ${MAX_NAME_LENGTH} characters`);
    this.at += name.length;
    return name;
  }

  /** After `<`: the name, optional whitespace, then `>` or `/>`. Anything else would be an attribute. */
  openTagRest(): { name: string; selfClosing: boolean } {
    const name = this.name();
    this.skipWhitespace();
    if (this.startsWith('/>')) {
      this.at += 2;
      return { name, selfClosing: true };
    }
    this.expect('>', `<${name}> has attributes or is not closed (attributes are not allowed)`);
    return { name, selfClosing: false };
  }
}
