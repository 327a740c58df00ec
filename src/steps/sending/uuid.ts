/** A random UUID v4, from getRandomValues (crypto.randomUUID exists only on https pages; many union blogs are http). */
export function uuidV4(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return Array.from(bytes, (byte, index) => ([4, 6, 8, 10].includes(index) ? '-' : '') + (byte | 256).toString(16).slice(1)).join('');
}
