/**
 * A problem with what the user typed or piped in (no hex found, broken JSON, a missing field), as
 * opposed to a bad frame, which the codec reports as a Jt808Error. Both are printed the same way.
 */
export class CliInputError extends Error {
  override readonly name = 'CliInputError';
  readonly reason: 'no-hex' | 'bad-json' | 'bad-input';

  constructor(reason: CliInputError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}
