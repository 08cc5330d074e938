import { describe, expect, it } from 'vitest';
import { ToolCallAssembler } from './tool-call-assembler.js';

const known = new Set(['record_field', 'end_call']);

describe('ToolCallAssembler', () => {
  it('joins argument pieces by index, keeping calls apart and in the order they started', () => {
    const calls = new ToolCallAssembler();
    calls.add({ index: 0, id: 'a', function: { name: 'record_field', arguments: '' } });
    calls.add({ index: 1, id: 'b', function: { name: 'end_call', arguments: '{"reason"' } });
    calls.add({ index: 0, function: { arguments: '{"field":"email",' } });
    calls.add({ index: 1, function: { arguments: ':"done"}' } });
    calls.add({ index: 0, function: { arguments: '"value":"a@b.co"}' } });
    expect(calls.finish(known)).toEqual([
      { id: 'a', name: 'record_field', arguments: { field: 'email', value: 'a@b.co' } },
      { id: 'b', name: 'end_call', arguments: { reason: 'done' } },
    ]);
  });

  it('follows a server that sends ids without indexes, or continuations with neither', () => {
    const calls = new ToolCallAssembler();
    calls.add({ id: 'x', function: { name: 'record_field', arguments: '{"field":' } });
    calls.add({ function: { arguments: '"name","value":"Ana"}' } });
    calls.add({ id: 'y', function: { name: 'end_call' } });
    expect(calls.finish(known)).toEqual([
      { id: 'x', name: 'record_field', arguments: { field: 'name', value: 'Ana' } },
      { id: 'y', name: 'end_call', arguments: {} },
    ]);
  });

  it('drops calls with broken or non-object arguments and calls to tools it was not given', () => {
    const calls = new ToolCallAssembler();
    calls.add({ index: 0, function: { name: 'record_field', arguments: '{"field": oops' } });
    calls.add({ index: 1, function: { name: 'record_field', arguments: '[1,2]' } });
    calls.add({ index: 2, function: { name: 'delete_everything', arguments: '{}' } });
    expect(calls.finish(known)).toEqual([]);
  });
});
