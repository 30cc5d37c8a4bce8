import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { decodeFrame, type Jt808Message } from '../packet.js';
import { type Command, parseCommandLine } from './args.js';
import { UsageError } from './command-line.js';
import { encodeJson } from './encode-input.js';
import { helpText, USAGE_HINT } from './help.js';
import { framesInText, hexArgumentLines } from './hex-input.js';
import { type JsonPiece, JsonSequence } from './json-input.js';
import { formatJson } from './json-output.js';
import { idHex, presentError, presentMessage } from './present.js';
import { unparsedNotes } from './unparsed-notes.js';

/**
 * The `jt808` command (bin/jt808.js imports the compiled module). Exit status: 0 every input was
 * handled, 1 some input failed (its error object was printed in its place), 2 bad command line.
 */
const OK = 0;
const SOME_FAILED = 1;
const USAGE = 2;

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`jt808: ${error.message}\n${USAGE_HINT}\n`);
    return USAGE;
  }
  switch (command.kind) {
    case 'help':
      await write(helpText(command.topic));
      return OK;
    case 'version':
      await write(`${packageVersion()}\n`);
      return OK;
    case 'decode':
      return decodeCommand(command.inputs, new Output(command.pretty ?? process.stdout.isTTY === true));
    case 'encode':
      return encodeCommand(command.inputs, new Output(command.pretty ?? process.stdout.isTTY === true));
  }
}

async function decodeCommand(inputs: string[], out: Output): Promise<number> {
  const lines = inputs.length > 0 ? hexArgumentLines(inputs) : stdinLines('frames in hex');
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let frames: Uint8Array[];
    try {
      frames = framesInText(line);
    } catch (error) {
      await out.error(error, line.trim());
      continue;
    }
    for (const frame of frames) {
      let message: Jt808Message;
      let view: Record<string, unknown>;
      try {
        message = decodeFrame(frame);
        view = presentMessage(message);
      } catch (error) {
        // The frame as it would have been pasted, flags included, to copy into a bug report.
        await out.error(error, `7e${Buffer.from(frame).toString('hex')}7e`);
        continue;
      }
      await out.json(view);
      // The notes are in the JSON too; on stderr they also catch the eye of someone piping it on.
      const { messageId, serial } = message.header;
      for (const note of unparsedNotes(message.body)) {
        process.stderr.write(`jt808: ${idHex(messageId)} serial ${serial}: ${note}\n`);
      }
    }
  }
  return out.status;
}

async function encodeCommand(inputs: string[], out: Output): Promise<number> {
  for await (const piece of jsonPieces(inputs)) {
    if ('error' in piece) {
      await out.error(piece.error, piece.text);
      continue;
    }
    // An array stands for the messages in it, so a saved list can be replayed in one go.
    for (const message of Array.isArray(piece.value) ? piece.value : [piece.value]) {
      let frame: Buffer;
      try {
        frame = encodeJson(message);
      } catch (error) {
        await out.error(error, JSON.stringify(message));
        continue;
      }
      await write(`${frame.toString('hex')}\n`);
    }
  }
  return out.status;
}

/** Arguments are read each on its own; stdin is one sequence, so a value may span lines. */
async function* jsonPieces(inputs: string[]): AsyncGenerator<JsonPiece> {
  const sources = inputs.length > 0 ? inputs.map((arg) => arg.split('\n')) : [stdinLines('JSON messages')];
  for (const lines of sources) {
    const sequence = new JsonSequence();
    for await (const line of lines) yield* sequence.pushLine(line);
    yield* sequence.end();
  }
}

function stdinLines(what: string): AsyncIterable<string> {
  if (process.stdin.isTTY) process.stderr.write(`jt808: reading ${what} from the terminal; Ctrl-D ends\n`);
  return createInterface({ input: process.stdin, crlfDelay: Infinity });
}

/** JSON printing in the chosen layout, remembering whether any input failed. */
class Output {
  failed = false;

  constructor(private readonly pretty: boolean) {}

  get status(): number {
    return this.failed ? SOME_FAILED : OK;
  }

  json(value: unknown): Promise<void> {
    return write(`${formatJson(value, this.pretty)}\n`);
  }

  error(error: unknown, input: string): Promise<void> {
    this.failed = true;
    return this.json(presentError(error, input));
  }
}

/** Waits when the pipe is full, so a huge log piped in does not pile up in memory. */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

function packageVersion(): string {
  // src/cli/main.ts and dist/cli/main.js both sit two levels below the package root.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return (pkg as { version: string }).version;
}

// `jt808 decode < big.log | head` closes the pipe early: stop quietly, as cat does.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? OK);
});

process.exitCode = await main(process.argv.slice(2));
