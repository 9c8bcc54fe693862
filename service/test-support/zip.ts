import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  mode: number;
  dosDate: number;
  dosTime: number;
  data: Buffer;
}

/** Reads a zip's central directory (no comment, no zip64): enough to check what the build wrote. */
export function readZipEntries(zip: Buffer): ZipEntry[] {
  const endOfDirectory = zip.length - 22;
  expect(zip.readUInt32LE(endOfDirectory)).toBe(0x06054b50);
  const count = zip.readUInt16LE(endOfDirectory + 10);
  let offset = zip.readUInt32LE(endOfDirectory + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    const nameLength = zip.readUInt16LE(offset + 28);
    const localHeader = zip.readUInt32LE(offset + 42);
    const dataStart = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const compressed = zip.subarray(dataStart, dataStart + zip.readUInt32LE(offset + 20));
    entries.push({
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
      mode: zip.readUInt32LE(offset + 38) >>> 16,
      dosTime: zip.readUInt16LE(offset + 12),
      dosDate: zip.readUInt16LE(offset + 14),
      data: zip.readUInt16LE(offset + 10) === 8 ? inflateRawSync(compressed) : compressed,
    });
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return entries;
}
