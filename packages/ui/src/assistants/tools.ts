// The tools assistants may call: a calculator and a clock. Both run in the
// browser, offline, and never evaluate code.

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments, as OpenAI-style function tools take it. */
  parameters: Record<string, unknown>;
  run(args: unknown): unknown;
}

/** Evaluates + - * / % ^ and parentheses over decimal numbers, by recursive descent. */
export function evaluateExpression(expression: string): number {
  const tokens = expression.match(/\d+(?:\.\d+)?(?:e[+-]?\d+)?|\.\d+|[-+*/%^()]|\S/gi) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const take = () => tokens[pos++];

  const primary = (): number => {
    const t = take();
    if (t === undefined) throw new Error('the expression ends too early');
    if (t === '(') {
      const v = sum();
      if (take() !== ')') throw new Error('a closing parenthesis is missing');
      return v;
    }
    if (t === '-') return -power();
    if (t === '+') return power();
    const n = Number(t);
    if (!Number.isFinite(n)) throw new Error(`"${t}" is not a number or operator`);
    return n;
  };
  const power = (): number => {
    const base = primary();
    if (peek() === '^') {
      take();
      return base ** power();
    }
    return base;
  };
  const product = (): number => {
    let v = power();
    while (peek() === '*' || peek() === '/' || peek() === '%') {
      const op = take();
      const r = power();
      if ((op === '/' || op === '%') && r === 0) throw new Error('division by zero');
      v = op === '*' ? v * r : op === '/' ? v / r : v % r;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (peek() === '+' || peek() === '-') {
      const op = take();
      const r = product();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  };

  if (tokens.length === 0) throw new Error('the expression is empty');
  const value = sum();
  if (pos < tokens.length) throw new Error(`unexpected "${tokens[pos]}"`);
  if (!Number.isFinite(value)) throw new Error('the result is not a finite number');
  // Hide binary floating point noise such as 0.1 + 0.2 = 0.30000000000000004.
  return Number(value.toPrecision(12));
}

export const calculatorTool: ToolDefinition = {
  name: 'calculator',
  description: 'Evaluates an arithmetic expression with + - * / % ^ and parentheses.',
  parameters: {
    type: 'object',
    properties: { expression: { type: 'string', description: 'For example "(12 + 3) * 4"' } },
    required: ['expression'],
  },
  run(args) {
    const expression = (args as { expression?: unknown } | null)?.expression;
    if (typeof expression !== 'string') return { error: 'calculator needs {"expression": "<arithmetic>"}' };
    try {
      return { expression, result: evaluateExpression(expression) };
    } catch (error) {
      return { expression, error: `Cannot evaluate: ${(error as Error).message}` };
    }
  },
};

export const clockTool: ToolDefinition = {
  name: 'clock',
  description: "Tells the current date and time in the user's time zone.",
  parameters: { type: 'object', properties: {} },
  run() {
    const now = new Date();
    return {
      iso: now.toISOString(),
      local: now.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'short' }),
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    };
  },
};

export const builtinTools: ToolDefinition[] = [calculatorTool, clockTool];

export function runTool(name: string, args: unknown): unknown {
  const tool = builtinTools.find((t) => t.name === name);
  if (!tool)
    return { error: `Unknown tool "${name}". Available: ${builtinTools.map((t) => t.name).join(', ')}.` };
  return tool.run(args);
}
