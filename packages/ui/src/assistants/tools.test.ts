import { describe, expect, it } from 'vitest';
import { calculatorTool, evaluateExpression, runTool } from './tools.js';

describe('calculator', () => {
  it('follows operator precedence, parentheses and right-associative powers', () => {
    expect(evaluateExpression('12 * (7 + 5)')).toBe(144);
    expect(evaluateExpression('2 + 3 * 4')).toBe(14);
    expect(evaluateExpression('2 ^ 3 ^ 2')).toBe(512);
    expect(evaluateExpression('-(4 - 10) / 4')).toBe(1.5);
    expect(evaluateExpression('17 % 5')).toBe(2);
  });

  it('hides floating point noise', () => {
    expect(evaluateExpression('0.1 + 0.2')).toBe(0.3);
  });

  it('refuses anything that is not arithmetic instead of evaluating it', () => {
    expect(() => evaluateExpression('alert(1)')).toThrow(/not a number or operator/);
    expect(() => evaluateExpression('1 / 0')).toThrow(/division by zero/);
    expect(() => evaluateExpression('(1 + 2')).toThrow(/closing parenthesis/);
    expect(() => evaluateExpression('')).toThrow(/empty/);
  });

  it('answers bad arguments with an error result, never an exception', () => {
    expect(calculatorTool.run({})).toEqual({ error: expect.stringContaining('expression') });
    expect(calculatorTool.run({ expression: '2 +' })).toMatchObject({
      error: expect.stringContaining('Cannot'),
    });
    expect(runTool('teleport', {})).toEqual({ error: expect.stringContaining('Unknown tool "teleport"') });
  });
});
