// Writes each age test vector of the npm package cctv-age (C2SP CCTV) to
// a file in the folder given, inflating the ones stored zlib-compressed, so
// that cctv_run reads plain vectors: header lines, an empty line, the file.
import * as vectors from 'cctv-age';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dir = process.argv[2];
fs.mkdirSync(dir, { recursive: true });
let count = 0;
for (const [name, bytes] of Object.entries(vectors)) {
  const data = Buffer.from(bytes);
  const split = data.indexOf('\n\n');
  if (split < 0) throw new Error(`${name}: no empty line after the header`);
  const lines = data.subarray(0, split).toString('utf8').split('\n');
  let body = data.subarray(split + 2);
  const compressed = lines.includes('compressed: zlib');
  if (compressed) body = zlib.inflateSync(body);
  const head = lines.filter((l) => !l.startsWith('compressed: '));
  fs.writeFileSync(path.join(dir, name),
                   Buffer.concat([Buffer.from(head.join('\n') + '\n\n'), body]));
  count++;
}
console.log(`${count} vectors written to ${dir}`);
