/** Longest query text accepted, in UTF-8 bytes. */
export const MAX_QUERY_BYTES = 64 * 1024;
/** Deepest nesting of `(`, `[` and `{` accepted anywhere in the text. */
export const MAX_NESTING_DEPTH = 32;
/** Largest `.limit()` the HTTP API accepts. */
export const MAX_LIMIT = 1000;
/** Documents `databasequery` returns when the query has no `.limit()`. */
export const DEFAULT_HTTP_LIMIT = 10;
