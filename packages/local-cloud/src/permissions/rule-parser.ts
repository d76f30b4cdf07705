import jsep from 'jsep';

/**
 * A node of a parsed rule (jsep's tree). Declared here rather than taken from jsep's typings,
 * which do not compile in every consumer's module setting: the published declarations must not
 * reference them.
 */
export interface RuleNode {
  readonly type: string;
  readonly [field: string]: unknown;
}
type Expression = RuleNode;

/**
 * Security-rule expressions (`doc._openid == auth.openid && doc.age >= 18`) parsed with jsep, a
 * real expression parser, configured down to the operators WeChat documents for rules:
 * `== != > >= < <= in && || !`, member access and list literals, and calls (only `get` is
 * known; see rule-evaluator.ts). Anything else (`+`, `===`, `=`, `?:`) fails to parse, with the
 * position where the parser stopped.
 *
 * jsep's operator tables are module-wide: this module owns them for the whole process (nothing
 * else in the local cloud uses jsep).
 */
const RULE_BINARY_OPS: Readonly<Record<string, number>> = { '||': 1, '&&': 2, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7, in: 7 };
jsep.removeAllBinaryOps();
jsep.removeAllUnaryOps();
for (const [op, precedence] of Object.entries(RULE_BINARY_OPS)) jsep.addBinaryOp(op, precedence);
jsep.addUnaryOp('!');

/** WeChat's limit for one rule expression. */
export const MAX_RULE_LENGTH = 1024;
/** The names an expression may start from. */
export const RULE_GLOBALS = ['auth', 'doc', 'now', 'request', 'resource'] as const;
const FUNCTIONS = ['get'];

/** A rule that cannot be parsed: where (0-based character index) and why. */
export class RuleSyntaxError extends Error {
  constructor(
    readonly rule: string,
    readonly index: number,
    readonly reason: string,
  ) {
    super(`security rule ${JSON.stringify(rule)}: ${reason} at character ${index + 1}`);
    this.name = 'RuleSyntaxError';
  }
}

export type RuleExpression = RuleNode;

/** The expression's tree, or a RuleSyntaxError naming the character where it goes wrong. */
export function parseRule(text: string, globals: readonly string[] = RULE_GLOBALS): RuleExpression {
  if (text.length > MAX_RULE_LENGTH) throw new RuleSyntaxError(text, MAX_RULE_LENGTH, `longer than ${MAX_RULE_LENGTH} characters`);
  let tree: Expression;
  try {
    tree = jsep(text) as unknown as RuleNode;
  } catch (error) {
    const { index, description } = error as { index?: number; description?: string };
    throw new RuleSyntaxError(text, typeof index === 'number' ? index : 0, description ?? String(error));
  }
  if (tree.type === 'Compound') throw new RuleSyntaxError(text, Math.max(0, text.search(/[,;]/)), 'one expression expected, found several');
  checkNames(tree, text, globals);
  return tree;
}

/** Free identifiers must be rule variables; calls must be known functions. */
function checkNames(node: Expression, text: string, globals: readonly string[]): void {
  switch (node.type) {
    case 'Identifier': {
      const name = node.name as string;
      if (!globals.includes(name)) throw new RuleSyntaxError(text, identifierIndex(text, name), `unknown name ${name} (a rule can use ${globals.join(', ')})`);
      return;
    }
    case 'MemberExpression':
      checkNames(node.object as Expression, text, globals);
      if (node.computed) checkNames(node.property as Expression, text, globals);
      return;
    case 'CallExpression': {
      const callee = node.callee as Expression;
      const name = callee.type === 'Identifier' ? (callee.name as string) : '';
      if (!FUNCTIONS.includes(name))
        throw new RuleSyntaxError(text, identifierIndex(text, name || '('), `only ${FUNCTIONS.join(', ')}() can be called in a rule`);
      for (const arg of node.arguments as Expression[]) checkNames(arg, text, globals);
      return;
    }
    case 'BinaryExpression':
      checkNames(node.left as Expression, text, globals);
      checkNames(node.right as Expression, text, globals);
      return;
    case 'UnaryExpression':
      checkNames(node.argument as Expression, text, globals);
      return;
    case 'ArrayExpression':
      for (const element of node.elements as Array<Expression | null>) if (element) checkNames(element, text, globals);
      return;
    case 'Literal':
      return;
    case 'ConditionalExpression':
      // jsep 1.x parses ?: by default (its built-in ternary plugin); rules have no such operator.
      throw new RuleSyntaxError(text, Math.max(0, text.indexOf('?')), 'the ?: operator is not allowed in a security rule');
    default:
      throw new RuleSyntaxError(text, 0, `${node.type} is not allowed in a security rule`);
  }
}

/**
 * Where a bad name stands. jsep's nodes carry no positions, so this finds the first whole-word
 * occurrence outside quotes by scanning the characters (a position for the message only).
 */
function identifierIndex(text: string, name: string): number {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\') i += 1;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      quote = c;
      continue;
    }
    const before = i === 0 ? '' : (text[i - 1] as string);
    if (text.startsWith(name, i) && !/[\w$.]/.test(before) && !/[\w$]/.test(text[i + name.length] ?? '')) return i;
  }
  return 0;
}
