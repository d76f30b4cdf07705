/**
 * The `cloud.openapi.<module>.<method>` calls in a built bundle. wx-server-sdk is external to
 * the bundles, so every match is the function's own code (or a library it bundled). WeChat
 * refuses an undeclared one at run time with -604101, which no test on the local cloud sees.
 */
const DOT_ACCESS = /\bopenapi\s*\??\.\s*([A-Za-z_$][\w$]*)\s*\??\.\s*([A-Za-z_$][\w$]*)/g;
const BRACKET_ACCESS = /\bopenapi\s*\[\s*["'`]([\w$]+)["'`]\s*\]\s*\[\s*["'`]([\w$]+)["'`]\s*\]/g;

export function openapiCalls(bundle: string): string[] {
  const found = new Set<string>();
  for (const pattern of [DOT_ACCESS, BRACKET_ACCESS]) {
    for (const match of bundle.matchAll(pattern)) found.add(`${match[1]}.${match[2]}`);
  }
  return [...found].sort();
}
