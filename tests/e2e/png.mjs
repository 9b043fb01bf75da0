// A minimal PNG encoder for the image-mode tests: 8-bit grey (colour type 0)
// or RGB (colour type 2), no interlace, one IDAT, zlib from node. Pictures
// are made by the tests themselves, so their pixels are known exactly.
import zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * PNG bytes of a `width`x`height` picture; `pixel(i, j)` gives a grey byte, or
 * `[r, g, b]` when `channels` is 3 (row i, column j).
 */
export function png(width, height, channels, pixel) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = channels === 3 ? 2 : 0;
  const stride = width * channels + 1;
  const raw = Buffer.alloc(stride * height);
  for (let i = 0; i < height; i++) {
    raw[i * stride] = 0; // filter: none
    for (let j = 0; j < width; j++) {
      const v = pixel(i, j);
      const bytes = channels === 3 ? v : [v];
      for (let k = 0; k < channels; k++) raw[i * stride + 1 + j * channels + k] = bytes[k];
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
