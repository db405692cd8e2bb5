/**
 * The yaml parser's errors in words a person can act on. One typo often yields several parser
 * errors; only the first is shown, the rest usually follow from it.
 */
export interface ParserError {
  code: string;
  message: string;
  /** 1-based line of the error. */
  line: number;
}

const indentOf = (l: string) => /^ */.exec(l)![0].length;

/** The last non-blank, non-comment line before `line` (1-based), or undefined. */
function previousLine(lines: string[], line: number): string | undefined {
  for (let i = line - 2; i >= 0; i--) if (lines[i].trim() && !lines[i].trim().startsWith('#')) return lines[i];
  return undefined;
}

export function plainYamlError(e: ParserError, text: string): string {
  const lines = text.split('\n');
  const here = lines[e.line - 1] ?? '';
  const prev = previousLine(lines, e.line);
  const key = /^\s*-?\s*([^:#\s][^:#]*?)\s*:/.exec(here)?.[1];
  switch (e.code) {
    case 'TAB_AS_INDENT':
      return 'a tab indents this line: YAML indents with spaces only';
    case 'DUPLICATE_KEY':
      return key ? `the key ${key} appears twice in the same map: remove or rename one` : 'a key appears twice in the same map: remove or rename one';
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'the next line is indented deeper than this one, as if it belonged here, but this key already has its value on this line: indent the next line like this one';
    case 'BAD_INDENT':
      return prev ? `this line is indented ${indentOf(here)} spaces where the lines it belongs with use ${indentOf(prev)}: line it up with them` : "this line's indentation does not match the lines around it";
    case 'MULTILINE_IMPLICIT_KEY':
      return here.includes(':') ? 'a key runs over more than one line: keep each key and its colon on one line' : 'this line has no colon after its key: write key: value';
    case 'UNEXPECTED_TOKEN':
      if (/block-seq-ind/.test(e.message)) return 'a list starts on the same line as its key: put the list on the next lines, indented, each item starting with "- "';
      break;
    case 'MISSING_CHAR':
      if (/quote/i.test(e.message)) return 'a quoted text is never closed: add the closing quote where the text should end';
      if (/Implicit map keys need to be followed by map values/.test(e.message)) return 'this line has no colon after its key: write key: value';
      if (/Sequence item without - indicator/.test(e.message)) {
        return prev && indentOf(prev) !== indentOf(here)
          ? `this line is indented ${indentOf(here)} spaces where the list item it belongs to uses ${indentOf(prev)}: line it up with the lines above`
          : 'a list item is expected here: start the line with "- " or indent it under the item above';
      }
      break;
    case 'BAD_SCALAR_START':
      return 'a plain value cannot start with this character (@, `, %, | or >): put the value in quotes';
    default:
      break;
  }
  return e.message.split('\n')[0];
}
