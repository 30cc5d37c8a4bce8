import iconv from 'iconv-lite';

/**
 * JT/T 808 STRING fields are GBK. ASCII is a subset, so pure-ASCII text skips iconv (most fields
 * in practice: terminal ids, models, APNs).
 */
export function decodeGbk(bytes: Uint8Array): string {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) return iconv.decode(asBuffer(bytes), 'gbk');
  }
  return asBuffer(bytes).toString('latin1');
}

export function encodeGbk(text: string): Buffer {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) return iconv.encode(text, 'gbk');
  }
  return Buffer.from(text, 'latin1');
}

/** Fixed-width STRING fields are padded with NUL (some firmware pads with spaces); both are trimmed. */
export function decodePaddedGbk(bytes: Uint8Array): string {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x00 || bytes[end - 1] === 0x20)) end--;
  return decodeGbk(bytes.subarray(0, end));
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
