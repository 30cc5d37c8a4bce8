import { CliInputError } from './input-error.js';

/** One top-level value read from the input, or the reason a piece of input is not one. */
export type JsonPiece = { value: unknown } | { error: CliInputError; text: string };

/**
 * Reads JSON values written one after another: one per line as `jt808 decode` prints when piped, or
 * pretty-printed over many lines as it prints on a terminal (and as people paste them). Fed line by
 * line so `encode` answers each object as soon as it is complete. Only objects and arrays are
 * values here; other text outside them is reported as an error, one per line.
 */
export class JsonSequence {
  private text = '';
  private depth = 0;
  private inString = false;
  private escaped = false;

  pushLine(line: string): JsonPiece[] {
    const pieces: JsonPiece[] = [];
    let stray = '';
    for (const ch of line) {
      if (this.depth === 0) {
        if (ch === '{' || ch === '[') {
          pieces.push(...strayText(stray));
          stray = '';
          this.text = ch;
          this.depth = 1;
        } else {
          stray += ch;
        }
        continue;
      }
      this.text += ch;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === '\\') this.escaped = true;
        else if (ch === '"') this.inString = false;
      } else if (ch === '"') {
        this.inString = true;
      } else if (ch === '{' || ch === '[') {
        this.depth++;
      } else if ((ch === '}' || ch === ']') && --this.depth === 0) {
        pieces.push(parse(this.text));
        this.text = '';
      }
    }
    pieces.push(...strayText(stray));
    if (this.depth > 0) this.text += '\n';
    return pieces;
  }

  /** Call at the end of the input: an object still open there is an error. */
  end(): JsonPiece[] {
    if (this.depth === 0) return [];
    const text = this.text.trimEnd();
    this.text = '';
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    return [{ error: new CliInputError('bad-json', 'input ends inside a JSON value'), text }];
  }
}

function parse(text: string): JsonPiece {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: new CliInputError('bad-json', (error as Error).message), text };
  }
}

/** Text outside any value: none when it is only whitespace, else one error. */
function strayText(text: string): JsonPiece[] {
  const trimmed = text.trim();
  return trimmed === ''
    ? []
    : [{ error: new CliInputError('bad-json', 'expected a JSON object'), text: trimmed }];
}
