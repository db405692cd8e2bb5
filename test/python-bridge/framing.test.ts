import { describe, expect, it } from 'vitest';
import { LineDecoder, ProtocolError, encodeFrame, parseFrame } from '../../electron/core/python-bridge';

describe('framing', () => {
  it('encodes one JSON-RPC object per line, escaping newlines', () => {
    const frame = encodeFrame({ id: 1, method: 'run', params: { text: 'a\nb' } });
    expect(frame.endsWith('\n')).toBe(true);
    expect(frame.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(frame)).toEqual({ jsonrpc: '2.0', id: 1, method: 'run', params: { text: 'a\nb' } });
  });

  it('splits lines across chunk boundaries and skips blank lines', () => {
    const lines: string[] = [];
    const d = new LineDecoder((l) => lines.push(l), (e) => { throw e; });
    d.push(Buffer.from('{"a":1}\n{"b"'));
    d.push(Buffer.from(':2}\n\n{"c":3}'));
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    d.push(Buffer.from('\n'));
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('keeps multi-byte UTF-8 characters split across chunks intact', () => {
    const lines: string[] = [];
    const d = new LineDecoder((l) => lines.push(l), (e) => { throw e; });
    const bytes = Buffer.from('"héllo ✓"\n');
    d.push(bytes.subarray(0, 3));
    d.push(bytes.subarray(3));
    expect(lines).toEqual(['"héllo ✓"']);
  });

  it('reports an oversized frame as soon as the limit is crossed and stops', () => {
    const lines: string[] = [];
    const errors: ProtocolError[] = [];
    const d = new LineDecoder((l) => lines.push(l), (e) => errors.push(e), 10);
    d.push(Buffer.from('123456'));
    d.push(Buffer.from('789012'));
    expect(errors).toHaveLength(1);
    expect(errors[0].code).toBe('PROTOCOL_ERROR');
    expect(errors[0].message).toMatch(/larger than the 10-byte limit/);
    d.push(Buffer.from('\n{}\n'));
    expect(lines).toEqual([]);
  });

  it('accepts a frame of exactly the limit', () => {
    const lines: string[] = [];
    const d = new LineDecoder((l) => lines.push(l), (e) => { throw e; }, 10);
    d.push(Buffer.from('1234567890\n'));
    expect(lines).toEqual(['1234567890']);
  });

  it('refuses a frame nested beyond the depth limit', () => {
    const deep = `{"jsonrpc":"2.0","id":1,"result":${'['.repeat(1000)}${']'.repeat(1000)}}`;
    expect(() => parseFrame(deep)).toThrow(/depth limit/);
  });

  it('parses responses, errors and notifications', () => {
    expect(parseFrame('{"jsonrpc":"2.0","id":3,"result":{"x":1}}')).toEqual({ kind: 'result', id: 3, result: { x: 1 } });
    expect(parseFrame('{"jsonrpc":"2.0","id":4,"error":{"code":-32602,"message":"bad","data":{"field":"f"}}}')).toEqual({
      kind: 'error',
      id: 4,
      error: { code: -32602, message: 'bad', data: { field: 'f' } },
    });
    expect(parseFrame('{"jsonrpc":"2.0","method":"progress","params":{"request_id":1}}')).toEqual({
      kind: 'notification',
      method: 'progress',
      params: { request_id: 1 },
    });
  });

  it.each([
    ['not JSON', 'hello', /not JSON/],
    ['an array', '[1,2]', /not a JSON-RPC 2.0 object/],
    ['no jsonrpc member', '{"id":1,"result":2}', /not a JSON-RPC 2.0 object/],
    ['a response without id', '{"jsonrpc":"2.0","result":2}', /without a numeric id/],
    ['an error without code', '{"jsonrpc":"2.0","id":1,"error":{"message":"x"}}', /without code and message/],
    ['neither request nor response', '{"jsonrpc":"2.0","id":1}', /neither a request/],
  ])('refuses %s with a ProtocolError', (_name, line, message) => {
    expect(() => parseFrame(line)).toThrow(ProtocolError);
    expect(() => parseFrame(line)).toThrow(message);
  });
});
