import { describe, expect, it } from 'vitest';
import { allStepTypes } from '../../shared/index';
import { validateWorkflowText } from '../../shared/yaml/validate';

const errorsOf = (text: string) => validateWorkflowText(text, allStepTypes).diagnostics.filter((d) => d.severity === 'error').map((d) => ({ line: d.line, message: d.message }));

describe('one typo, one error in words, at the right line', () => {
  const cases: [string, string, number, RegExp][] = [
    ['an item line indented one space short', 'workflow:\n  name: x\n  steps:\n    - name: a\n      type: claude\n     prompt:\n        - type: static\n          content: hi\n', 6, /indented 5 spaces where the list item it belongs to uses 6/],
    ['a missing colon', 'workflow:\n  name: x\n  steps:\n    - name: a\n      type claude\n', 5, /no colon after its key: write key: value/],
    ['an unclosed quote', 'workflow:\n  name: x\n  steps:\n    - name: "a\n      type: claude\n', 6, /quoted text is never closed/],
    ['a duplicate key', 'workflow:\n  name: x\n  steps: []\n  name: y\n', 4, /the key name appears twice/],
    ['a tab', 'workflow:\n  name: x\n  steps:\n    - name: a\n\ttype: claude\n', 5, /a tab indents this line/],
    ['a list on its key\'s line', 'workflow:\n  name: x\n  steps:\n    - name: a\n      type: claude\n      prompt: - type: static\n', 6, /a list starts on the same line as its key/],
    ['a line indented under a scalar', 'workflow:\n  name: x\n    steps:\n    - name: a\n', 2, /indent the next line like this one/],
  ];
  for (const [what, text, line, words] of cases) {
    it(what, () => {
      const errs = errorsOf(text);
      expect(errs).toHaveLength(1);
      expect(errs[0].line).toBe(line);
      expect(errs[0].message).toMatch(words);
      expect(errs[0].message).not.toMatch(/implicit|indicator|block-seq|compact mapping/i);
    });
  }
});
