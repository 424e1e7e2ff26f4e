/**
 * The part of CloudWatch metric math the scaling policies use: numbers, metric ids, + - * /, parentheses and
 * comparisons (<, <=, >, >=, ==, != give 1 or 0) and CEIL, FLOOR, MIN, MAX, ABS, IF. A division by zero gives no
 * datapoint (CloudWatch drops non-finite values).
 */
export function evaluate(expression: string, values: Record<string, number | undefined>): number | undefined {
  const tokens = expression.match(/\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|[<>!=]=|[<>]|[-+*/(),]/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];

  function primary(): number {
    const token = next();
    if (token === undefined) throw new Error(`unexpected end of '${expression}'`);
    if (token === '(') {
      const value = comparison();
      if (next() !== ')') throw new Error(`missing ) in '${expression}'`);
      return value;
    }
    if (token === '-') return -primary();
    if (/^\d/.test(token)) return Number(token);
    if (peek() === '(') {
      next();
      const args = [comparison()];
      while (peek() === ',') {
        next();
        args.push(comparison());
      }
      if (next() !== ')') throw new Error(`missing ) in '${expression}'`);
      const fn: Record<string, (...a: number[]) => number> = {
        CEIL: Math.ceil, FLOOR: Math.floor, MIN: Math.min, MAX: Math.max, ABS: Math.abs, IF: (c, a, b) => (c !== 0 ? a : b),
      };
      if (!fn[token]) throw new Error(`unsupported function ${token} in '${expression}'`);
      return fn[token](...args);
    }
    const value = values[token];
    if (value === undefined) throw new NoData();
    return value;
  }
  function product(): number {
    let value = primary();
    while (peek() === '*' || peek() === '/') value = next() === '*' ? value * primary() : value / primary();
    return value;
  }
  function sum(): number {
    let value = product();
    while (peek() === '+' || peek() === '-') value = next() === '+' ? value + product() : value - product();
    return value;
  }

  function comparison(): number {
    const left = sum();
    const ops: Record<string, (a: number, b: number) => boolean> = {
      '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b, '==': (a, b) => a === b, '!=': (a, b) => a !== b,
    };
    const op = peek();
    if (op === undefined || !ops[op]) return left;
    next();
    return ops[op](left, sum()) ? 1 : 0;
  }

  try {
    const value = comparison();
    if (pos !== tokens.length) throw new Error(`unexpected '${peek()}' in '${expression}'`);
    return Number.isFinite(value) ? value : undefined;
  } catch (error) {
    if (error instanceof NoData) return undefined;
    throw error;
  }
}

class NoData extends Error {}
