/**
 * The `cloud.openapi.<module>.<method>` calls in a built bundle. wx-server-sdk is external to
 * the bundles, so every match is the function's own code (or a library it bundled). WeChat
 * refuses an undeclared one at run time with -604101, which no test on the local cloud sees.
 */
const DOT_ACCESS = /\bopenapi\s*\??\.\s*([A-Za-z_$][\w$]*)\s*\??\.\s*([A-Za-z_$][\w$]*)/g;
const BRACKET_ACCESS = /\bopenapi\s*\[\s*["'`]([\w$]+)["'`]\s*\]\s*\[\s*["'`]([\w$]+)["'`]\s*\]/g;

// `const customerService = cloud.openapi.customerServiceMessage;` then `customerService.send(…)`
// (push_reply does this; esbuild keeps it so): the module is read once, its methods later.
const MODULE_ALIAS = /\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*[\w$.()]*\bopenapi\s*\??\.\s*([A-Za-z_$][\w$]*)\s*[;,\n]/g;
// `const { customerServiceMessage: cs, security } = cloud.openapi;`
const DESTRUCTURED = /\b(?:const|let|var)\s*\{([^}]*)\}\s*=\s*[\w$.()]*\bopenapi\b\s*[;,\n]/g;

export function openapiCalls(bundle: string): string[] {
  const found = new Set<string>();
  for (const pattern of [DOT_ACCESS, BRACKET_ACCESS]) {
    for (const match of bundle.matchAll(pattern)) found.add(`${match[1]}.${match[2]}`);
  }
  const aliases = new Map<string, string>();
  for (const match of bundle.matchAll(MODULE_ALIAS)) aliases.set(match[1]!, match[2]!);
  for (const match of bundle.matchAll(DESTRUCTURED)) {
    for (const part of match[1]!.split(',')) {
      const [module, local] = part.split(':').map((name) => name.trim());
      if (module && /^[\w$]+$/.test(module)) aliases.set(local && /^[\w$]+$/.test(local) ? local : module, module);
    }
  }
  for (const [alias, module] of aliases) {
    const escaped = alias.replace(/\$/g, '\\$');
    for (const match of bundle.matchAll(new RegExp(`(?<![\\w$.])${escaped}\\s*\\??\\.\\s*([A-Za-z_$][\\w$]*)\\s*\\(`, 'g'))) found.add(`${module}.${match[1]}`);
  }
  return [...found].sort();
}
