/*
 * A 1.44 MB FAT12 floppy image written in memory, with VFAT long names: what Packer's go-fs
 * makes for floppy_files. Written here rather than calling mtools/mkfs.fat because those are
 * rarely installed (Packer needs nothing either), and the format is small and fixed.
 */

const SECTOR = 512;
const TOTAL_SECTORS = 2880;
const SECTORS_PER_FAT = 9;
const FAT_COUNT = 2;
const ROOT_ENTRIES = 224;
const ROOT_SECTORS = (ROOT_ENTRIES * 32) / SECTOR;
const FIRST_FAT_SECTOR = 1;
const ROOT_SECTOR = FIRST_FAT_SECTOR + FAT_COUNT * SECTORS_PER_FAT;
const DATA_SECTOR = ROOT_SECTOR + ROOT_SECTORS;
const CLUSTER_COUNT = TOTAL_SECTORS - DATA_SECTOR;
const END_OF_CHAIN = 0xfff;
const ATTR_DIRECTORY = 0x10;
const ATTR_ARCHIVE = 0x20;
const ATTR_VOLUME = 0x08;
const ATTR_LFN = 0x0f;

/** A tree to write: files hold their bytes, directories their entries. */
export interface FloppyDirectory {
  readonly children: Map<string, FloppyDirectory | Buffer>;
}

export function newFloppyDirectory(): FloppyDirectory {
  return { children: new Map() };
}

/** Returns the directory at `path` (names), creating the missing ones. */
export function floppySubdirectory(root: FloppyDirectory, path: readonly string[]): FloppyDirectory {
  let current = root;
  for (const name of path) {
    const existing = findEntry(current, name);
    if (Buffer.isBuffer(existing)) throw new Error(`${name} is a file, not a directory`);
    if (existing) {
      current = existing;
      continue;
    }
    const created = newFloppyDirectory();
    current.children.set(name, created);
    current = created;
  }
  return current;
}

/** FAT names are case-insensitive: a second `A.TXT` replaces `a.txt`. */
export function addFloppyFile(directory: FloppyDirectory, name: string, content: Buffer): void {
  for (const key of directory.children.keys()) if (key.toUpperCase() === name.toUpperCase()) directory.children.delete(key);
  directory.children.set(name, content);
}

function findEntry(directory: FloppyDirectory, name: string): FloppyDirectory | Buffer | undefined {
  for (const [key, value] of directory.children) if (key.toUpperCase() === name.toUpperCase()) return value;
  return undefined;
}

/** Serialises the tree to a 1,474,560-byte FAT12 image labelled `label`. */
export function buildFat12Image(root: FloppyDirectory, label: string, now = new Date()): Buffer {
  const image = Buffer.alloc(TOTAL_SECTORS * SECTOR);
  const fat = new Uint16Array(CLUSTER_COUNT + 2);
  fat[0] = 0xff0;
  fat[1] = END_OF_CHAIN;
  let nextCluster = 2;
  const stamp = dosTimestamp(now);

  const allocate = (bytes: number): number => {
    const clusters = Math.max(1, Math.ceil(bytes / SECTOR));
    if (nextCluster + clusters > CLUSTER_COUNT + 2) throw new Error('the files do not fit on a 1.44 MB floppy');
    const first = nextCluster;
    for (let index = 0; index < clusters; index += 1) fat[first + index] = index === clusters - 1 ? END_OF_CHAIN : first + index + 1;
    nextCluster += clusters;
    return first;
  };
  const clusterOffset = (cluster: number): number => (DATA_SECTOR + cluster - 2) * SECTOR;

  const writeDirectory = (directory: FloppyDirectory, offset: number, capacity: number, self: number, parent: number, isRoot: boolean): void => {
    const records: Buffer[] = [];
    if (isRoot) records.push(entry(padName(label.toUpperCase(), 11), ATTR_VOLUME, 0, 0, stamp));
    else {
      records.push(entry(padName('.', 11), ATTR_DIRECTORY, self, 0, stamp));
      records.push(entry(padName('..', 11), ATTR_DIRECTORY, parent, 0, stamp));
    }
    const usedShortNames = new Set<string>();
    const children: Array<[FloppyDirectory, number]> = [];
    for (const [name, value] of directory.children) {
      const short = shortName(name, usedShortNames);
      usedShortNames.add(short.toString('latin1'));
      if (!isExactShortName(name, short)) records.push(...longNameEntries(name, short));
      if (Buffer.isBuffer(value)) {
        const cluster = value.length === 0 ? 0 : allocate(value.length);
        if (cluster) value.copy(image, clusterOffset(cluster));
        records.push(entry(short, ATTR_ARCHIVE, cluster, value.length, stamp));
      } else {
        const cluster = allocate(directoryBytes(value));
        records.push(entry(short, ATTR_DIRECTORY, cluster, 0, stamp));
        children.push([value, cluster]);
      }
    }
    if (records.length * 32 > capacity) throw new Error('too many files in one floppy directory');
    Buffer.concat(records).copy(image, offset);
    for (const [child, cluster] of children) {
      writeDirectory(child, clusterOffset(cluster), directoryBytes(child), cluster, isRoot ? 0 : self, false);
    }
  };

  writeDirectory(root, ROOT_SECTOR * SECTOR, ROOT_ENTRIES * 32, 0, 0, true);
  writeBootSector(image, label);
  const fatBytes = encodeFat12(fat);
  for (let copy = 0; copy < FAT_COUNT; copy += 1) fatBytes.copy(image, (FIRST_FAT_SECTOR + copy * SECTORS_PER_FAT) * SECTOR);
  return image;
}

/** Bytes a subdirectory needs: `.`, `..`, and per entry its short entry plus long-name entries. */
function directoryBytes(directory: FloppyDirectory): number {
  let records = 2;
  for (const name of directory.children.keys()) records += 1 + Math.ceil(Buffer.byteLength(name, 'utf16le') / 2 / 13);
  return Math.ceil((records * 32) / SECTOR) * SECTOR;
}

function writeBootSector(image: Buffer, label: string): void {
  image.set([0xeb, 0x3c, 0x90], 0);
  padName(label, 8).copy(image, 3);
  image.writeUInt16LE(SECTOR, 11);
  image.writeUInt8(1, 13);
  image.writeUInt16LE(1, 14);
  image.writeUInt8(FAT_COUNT, 16);
  image.writeUInt16LE(ROOT_ENTRIES, 17);
  image.writeUInt16LE(TOTAL_SECTORS, 19);
  image.writeUInt8(0xf0, 21);
  image.writeUInt16LE(SECTORS_PER_FAT, 22);
  image.writeUInt16LE(18, 24);
  image.writeUInt16LE(2, 26);
  image.writeUInt8(0x29, 38);
  image.writeUInt32LE(0x4b494c4e, 39);
  padName(label.toUpperCase(), 11).copy(image, 43);
  Buffer.from('FAT12   ', 'latin1').copy(image, 54);
  image.writeUInt16LE(0xaa55, 510);
}

function encodeFat12(fat: Uint16Array): Buffer {
  const bytes = Buffer.alloc(SECTORS_PER_FAT * SECTOR);
  for (let cluster = 0; cluster < fat.length; cluster += 1) {
    const value = fat[cluster]! & 0xfff;
    const offset = Math.floor((cluster * 3) / 2);
    if (cluster % 2 === 0) {
      bytes[offset] = value & 0xff;
      bytes[offset + 1] = (bytes[offset + 1]! & 0xf0) | (value >> 8);
    } else {
      bytes[offset] = (bytes[offset]! & 0x0f) | ((value & 0x0f) << 4);
      bytes[offset + 1] = value >> 4;
    }
  }
  return bytes;
}

function entry(name: Buffer, attributes: number, cluster: number, size: number, stamp: { date: number; time: number }): Buffer {
  const record = Buffer.alloc(32);
  name.copy(record, 0);
  record.writeUInt8(attributes, 11);
  record.writeUInt16LE(stamp.time, 14);
  record.writeUInt16LE(stamp.date, 16);
  record.writeUInt16LE(stamp.date, 18);
  record.writeUInt16LE(stamp.time, 22);
  record.writeUInt16LE(stamp.date, 24);
  record.writeUInt16LE(cluster, 26);
  record.writeUInt32LE(size, 28);
  return record;
}

function padName(text: string, length: number): Buffer {
  return Buffer.from(text.padEnd(length, ' ').slice(0, length), 'latin1');
}

const SHORT_CHAR = /[A-Z0-9$%'\-_@~`!(){}^#&]/;

/** An 8.3 name (11 bytes, space padded): the name itself when it is one, else `BASIS~N.EXT`. */
function shortName(name: string, used: ReadonlySet<string>): Buffer {
  const upper = name.toUpperCase();
  const dot = upper.lastIndexOf('.');
  const clean = (text: string): string => Array.from(text.replace(/[ .]/g, ''), (char) => (SHORT_CHAR.test(char) ? char : '_')).join('');
  const base = clean(dot > 0 ? upper.slice(0, dot) : upper);
  const extension = clean(dot > 0 ? upper.slice(dot + 1) : '').slice(0, 3);
  const exact = `${base.padEnd(8, ' ')}${extension.padEnd(3, ' ')}`;
  if (base.length <= 8 && base.length > 0 && isExactShortName(name, padName(exact, 11)) && !used.has(exact)) return padName(exact, 11);
  for (let index = 1; ; index += 1) {
    const tail = `~${index}`;
    const candidate = `${(base || '_').slice(0, 8 - tail.length)}${tail}`.padEnd(8, ' ') + extension.padEnd(3, ' ');
    if (!used.has(candidate)) return padName(candidate, 11);
  }
}

/** Whether `name` is stored exactly by its 8.3 entry (upper case, no long name needed). */
function isExactShortName(name: string, short: Buffer): boolean {
  const text = short.toString('latin1');
  const base = text.slice(0, 8).trimEnd();
  const extension = text.slice(8).trimEnd();
  return name === (extension ? `${base}.${extension}` : base);
}

function longNameEntries(name: string, short: Buffer): Buffer[] {
  let checksum = 0;
  for (const byte of short) checksum = (((checksum & 1) << 7) + (checksum >> 1) + byte) & 0xff;
  const utf16 = Buffer.from(name, 'utf16le');
  const units = utf16.length / 2;
  const count = Math.ceil(units / 13);
  // The name, a 0x0000 terminator unless it fills the last entry exactly, then 0xFFFF padding.
  const padded = Buffer.alloc(count * 26, 0xff);
  utf16.copy(padded);
  if (units < count * 13) padded.writeUInt16LE(0, units * 2);
  const records: Buffer[] = [];
  for (let index = count; index >= 1; index -= 1) {
    const part = padded.subarray((index - 1) * 26, index * 26);
    const record = Buffer.alloc(32);
    record.writeUInt8(index | (index === count ? 0x40 : 0), 0);
    part.copy(record, 1, 0, 10);
    record.writeUInt8(ATTR_LFN, 11);
    record.writeUInt8(checksum, 13);
    part.copy(record, 14, 10, 22);
    part.copy(record, 28, 22, 26);
    records.push(record);
  }
  return records;
}

function dosTimestamp(date: Date): { date: number; time: number } {
  const year = Math.max(1980, date.getFullYear());
  return {
    date: ((year - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | Math.floor(date.getSeconds() / 2),
  };
}
