/** How large and how deeply nested an event or a result may be. */
export interface PayloadLimits {
  /** Bytes of JSON (UTF-8). */
  readonly maxBytes: number;
  /** Levels of objects and arrays inside one another. */
  readonly maxDepth: number;
}

/**
 * WeChat's functions run on Tencent's SCF, whose synchronous invocations take an event of at
 * most 6 MB and answer at most 6 MB (see docs/wechat-facts.md). No depth is documented; 100
 * levels is MongoDB's own document limit, far beyond what a page sends, and shallow enough for
 * every recursive JSON walker on the way (the SDKs', Node's IPC serialiser).
 */
export const WECHAT_PAYLOAD_LIMITS: PayloadLimits = Object.freeze({ maxBytes: 6 * 1024 * 1024, maxDepth: 100 });

/** A value that may cross, with its JSON; or what keeps it from crossing. */
export type Measured = { readonly json: string | undefined; readonly bytes: number } | { readonly problem: string };

/**
 * Measures an event or a result against `limits`: shape first, because JSON.stringify of a
 * deep value throws "Maximum call stack size exceeded" before any size could be known.
 * The problem reads after "the event" / "the result": "is nested deeper than 100 levels".
 */
export function measurePayload(value: unknown, limits: PayloadLimits = WECHAT_PAYLOAD_LIMITS): Measured {
  const problem = shapeProblem(value, limits);
  if (problem !== undefined) return { problem };
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    return { problem: `is not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const bytes = json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
  if (bytes > limits.maxBytes) return { problem: `is ${bytes} bytes of JSON, more than the ${limits.maxBytes} allowed` };
  return { json, bytes };
}

/** What is wrong with the shape of `value` (too deep, too many objects), without serialising it. */
export function shapeProblem(value: unknown, limits: PayloadLimits = WECHAT_PAYLOAD_LIMITS): string | undefined {
  // Every object or array costs at least two bytes of JSON ("{}"), so more of them cannot fit.
  const shape = exceedsShape(value, limits.maxDepth, Math.floor(limits.maxBytes / 2));
  if (shape === 'depth') return `is nested deeper than ${limits.maxDepth} levels`;
  if (shape === 'nodes') return `is larger than ${limits.maxBytes} bytes of JSON`;
  return undefined;
}

/**
 * Whether `value` nests deeper than `maxDepth`, or holds more than `maxNodes` objects/arrays.
 * Iterative, so a hostile depth cannot overflow the stack of the check itself; bounded by
 * `maxNodes`, so a cycle or an object shared from many places cannot make it walk forever.
 */
function exceedsShape(value: unknown, maxDepth: number, maxNodes: number): 'depth' | 'nodes' | undefined {
  const stack: Array<readonly [unknown, number]> = [[value, 1]];
  let visited = 0;
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > maxDepth) return 'depth';
    if (++visited > maxNodes) return 'nodes';
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return undefined;
}
