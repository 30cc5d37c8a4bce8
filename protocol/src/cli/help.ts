import type { Topic } from './args.js';

// A heartbeat from terminal 013912345678, serial 1: the shortest real frame there is.
const HEARTBEAT = '7e000200000139123456780001337e';

const GENERAL = `jt808 - decode and encode JT/T 808 (2011/2013/2019) frames

Usage:
  jt808 decode [HEX...]    each frame as JSON; no HEX: read stdin line by line
  jt808 encode [JSON...]   each message as frame hex; no JSON: read stdin
  jt808 <command> --help   more about a command
  jt808 --version

Options:
  --pretty    indented JSON (the default on a terminal)
  --compact   one JSON line per frame (the default in a pipe)

Examples:
  jt808 decode ${HEARTBEAT}
  grep ' rx ' gateway.log | jt808 decode
  jt808 decode ${HEARTBEAT} | jt808 encode
`;

const DECODE = `Usage: jt808 decode [--pretty|--compact] [HEX...]

Each HEX argument is one line of input; with none, stdin is read line by line.
Paste lines as found: with or without the 7e flags, any case, bytes apart by
spaces, colons or 0x, a log prefix in front, several frames back to back.
Prints one JSON object per frame; a frame that does not decode prints
{"error", "message", "input"} in its place and the rest carry on.
Bytes a sloppy terminal sent after the fields that matter (zero padding, an
item longer than what is left, fewer list items than counted) do not fail
the frame: they are kept as "unparsed": {"offset", "reason", "data"} in the
body, and a line on stderr says what was skipped and why.
Exit status: 0 all decoded, 1 some did not, 2 usage error.

Examples:
  jt808 decode ${HEARTBEAT}
  jt808 decode "7E 00 02 00 00 01 39 12 34 56 78 00 01 33 7E"
  jt808 decode '2026-11-23 10:00:01 INFO rx ${HEARTBEAT}'
  tail -f gateway.log | jt808 decode --compact
`;

const ENCODE = `Usage: jt808 encode [JSON...]

Each JSON argument is one message; with none, stdin is read: objects one per
line, or pretty-printed one after another. Prints each frame as lowercase hex
with its 7e flags; a message that cannot be encoded prints {"error",
"message", "input"} in its place. Exit status: 0, 1 or 2 as for decode.

A message is {"name", "header": {"phone", "serial", "edition"}, "body"}, or
what jt808 decode prints (header fields next to "id" and "name"). "id" may
replace "name"; ids, alarm and status may be "0x..." hex. In the body, hex
strings under "data" (or *Data, *Bytes) are bytes, "time" (or *Time, *Date)
is ISO-8601 with a zone. Unknown ids take the body as hex.

Examples:
  jt808 encode '{"name":"platformGeneralResponse","header":{"phone":"13800138000","serial":1},"body":{"replySerial":7,"replyId":"0x0200","result":0}}'
  jt808 decode ${HEARTBEAT} | jt808 encode
`;

export function helpText(topic?: Topic): string {
  if (topic === 'decode') return DECODE;
  if (topic === 'encode') return ENCODE;
  return GENERAL;
}

export const USAGE_HINT = "Run 'jt808 --help' for usage.";
