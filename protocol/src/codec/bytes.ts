/**
 * A copy of `data[start..end)` as a plain Uint8Array, for payloads kept after decoding. Plain
 * `data.slice` is not enough: on a Buffer (what sockets deliver, and what the splitter hands out
 * views of) `slice` returns a view, so a kept payload would pin the whole receive chunk and change
 * when that memory is reused.
 */
export function copyBytes(data: Uint8Array, start = 0, end = data.length): Uint8Array {
  return new Uint8Array(data.subarray(start, end));
}
