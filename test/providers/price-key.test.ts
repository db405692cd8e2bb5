import { describe, expect, it } from 'vitest';
import { costOf } from '../../electron/core/optimization/estimate';
import { priceKey } from '../../electron/core/providers/provider-settings';

describe('price keys', () => {
  it('a model served on this machine costs nothing; a remote OpenAI-compatible one is priced as openai/', () => {
    for (const base of ['http://127.0.0.1:8080/v1', 'http://localhost:11434/v1', 'http://[::1]:9000']) {
      const key = priceKey({ provider: 'openai_compatible', model: 'smollm2', api_base: base });
      expect(key).toBe('local/smollm2');
      expect(costOf(key, { input: 1e6, output: 1e6 })).toBe(0);
    }
    expect(priceKey({ provider: 'openai_compatible', model: 'gpt-4o-mini', api_base: 'https://api.example.com/v1' })).toBe('openai/gpt-4o-mini');
    expect(priceKey({ provider: 'openai_compatible', model: 'm', api_base: 'http://127.0.0.1.evil.example/v1' })).toBe('openai/m');
    expect(priceKey({ provider: 'anthropic', model: 'claude-3-5-haiku-latest' })).toBe('anthropic/claude-3-5-haiku-latest');
    expect(costOf('anthropic/claude-3-5-haiku-latest', { input: 1e6, output: 0 })).toBe(0.8);
  });
});
