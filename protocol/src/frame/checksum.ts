/** XOR of every byte from the header through the end of the body (the check code itself excluded). */
export function checksum(data: Uint8Array, start = 0, end = data.length): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= data[i]!;
  return x;
}
