import { getLineInfo } from 'acorn';
import { QueryErrcode, QueryParseError, type QueryPosition } from './errors';

/** Anything that knows where it sits in the text: acorn nodes and tokens. */
export interface Located {
  readonly start: number;
  readonly end: number;
}

const SNIPPET_CHARS = 40;

/** The query text, and the errors that point into it. */
export class QuerySource {
  /** Characters of dotted paths flattening has produced so far (see flatten.ts). */
  flattenedPathChars = 0;

  constructor(readonly text: string) {}

  position(offset: number): QueryPosition {
    const { line, column } = getLineInfo(this.text, offset);
    return { offset, line, column: column + 1 };
  }

  /** The text of a node, shortened, for messages (never more than a few words of user data). */
  snippet(at: Located): string {
    const raw = this.text.slice(at.start, at.end).replace(/\s+/g, ' ');
    return raw.length > SNIPPET_CHARS ? `${raw.slice(0, SNIPPET_CHARS)}…` : raw;
  }

  /** Something that is not a database command: -502002. */
  refused(at: Located | number, reason: string): QueryParseError {
    return new QueryParseError(QueryErrcode.INVALID_COMMAND, reason, this.position(offsetOf(at)));
  }

  /** A malformed query or an argument of the wrong kind: -501007. */
  invalid(at: Located | number, reason: string): QueryParseError {
    return new QueryParseError(QueryErrcode.INVALID_PARAM, reason, this.position(offsetOf(at)));
  }
}

/** User text quoted in a message, cut short. */
export function brief(text: string): string {
  return text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;
}

function offsetOf(at: Located | number): number {
  return typeof at === 'number' ? at : at.start;
}
