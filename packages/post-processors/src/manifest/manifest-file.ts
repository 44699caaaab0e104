import { compareGoStrings } from '@kiln/shell-common';
import { goMarshalIndent } from '../common/go-json.js';

/** One build in packer-manifest.json, with Packer's fields (manifest.Artifact). */
export interface ManifestEntry {
  readonly name: string;
  readonly builder_type: string;
  /** Unix seconds; 0 is left out of the file (omitempty). */
  readonly build_time: number;
  /** null when the artifact has no files. */
  readonly files: readonly { readonly name: string; readonly size: number }[] | null;
  readonly artifact_id: string;
  readonly packer_run_uuid: string;
  readonly custom_data: Readonly<Record<string, string>> | null;
}

export interface ManifestFile {
  readonly builds: readonly ManifestEntry[];
  readonly last_run_uuid: string;
}

/** Serialises as Packer does: Go's MarshalIndent with two spaces, custom_data keys sorted, no final newline. */
export function formatManifest(manifest: ManifestFile): string {
  return goMarshalIndent({
    builds: manifest.builds.map((entry) => ({
      name: entry.name,
      builder_type: entry.builder_type,
      build_time: entry.build_time === 0 ? undefined : entry.build_time,
      files: entry.files?.map((file) => ({ name: file.name, size: file.size })) ?? null,
      artifact_id: entry.artifact_id,
      packer_run_uuid: entry.packer_run_uuid,
      custom_data: entry.custom_data === null ? null : sortedRecord(entry.custom_data),
    })),
    last_run_uuid: manifest.last_run_uuid,
  });
}

/**
 * Reads a manifest the way Go's json.Unmarshal fills Packer's structs: known fields only (matched
 * without regard to case), unknown ones dropped, a wrong type is an error.
 */
export function parseManifest(text: string): ManifestFile {
  const root: unknown = JSON.parse(text);
  if (root === null) return { builds: [], last_run_uuid: '' };
  const object = expectObject(root, 'manifest.ManifestFile');
  const builds = field(object, 'builds');
  return {
    builds: builds === null || builds === undefined ? [] : expectArray(builds, 'builds').map(parseEntry),
    last_run_uuid: stringField(object, 'last_run_uuid', 'ManifestFile.last_run_uuid'),
  };
}

function parseEntry(raw: unknown): ManifestEntry {
  const entry = expectObject(raw, 'manifest.Artifact');
  const files = field(entry, 'files');
  const custom = field(entry, 'custom_data');
  const buildTime = field(entry, 'build_time');
  if (buildTime !== undefined && buildTime !== null && !Number.isInteger(buildTime)) {
    throw mismatch(buildTime, 'Artifact.builds.build_time', 'int64');
  }
  return {
    name: stringField(entry, 'name', 'Artifact.builds.name'),
    builder_type: stringField(entry, 'builder_type', 'Artifact.builds.builder_type'),
    build_time: typeof buildTime === 'number' ? buildTime : 0,
    files:
      files === null || files === undefined
        ? null
        : expectArray(files, 'Artifact.builds.files').map((rawFile) => {
            const file = expectObject(rawFile, 'manifest.ArtifactFile');
            const size = field(file, 'size');
            if (size !== undefined && size !== null && !Number.isInteger(size)) {
              throw mismatch(size, 'ArtifactFile.builds.files.size', 'int64');
            }
            return { name: stringField(file, 'name', 'ArtifactFile.builds.files.name'), size: typeof size === 'number' ? size : 0 };
          }),
    artifact_id: stringField(entry, 'artifact_id', 'Artifact.builds.artifact_id'),
    packer_run_uuid: stringField(entry, 'packer_run_uuid', 'Artifact.builds.packer_run_uuid'),
    custom_data:
      custom === null || custom === undefined
        ? null
        : Object.fromEntries(
            Object.entries(expectObject(custom, 'map[string]string')).map(([key, value]) => {
              if (typeof value !== 'string') throw mismatch(value, 'Artifact.builds.custom_data', 'string');
              return [key, value];
            }),
          ),
  };
}

/** Go matches JSON keys to struct fields case-insensitively; an exact match wins. */
function field(object: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const key = Object.keys(object).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : object[key];
}

function stringField(object: Record<string, unknown>, name: string, goField: string): string {
  const value = field(object, name);
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw mismatch(value, goField, 'string');
  return value;
}

function expectObject(value: unknown, goType: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw mismatch(value, '', goType);
  return value as Record<string, unknown>;
}

function expectArray(value: unknown, goField: string): unknown[] {
  if (!Array.isArray(value)) throw mismatch(value, goField, 'slice');
  return value;
}

/** Go's UnmarshalTypeError wording. */
function mismatch(value: unknown, goField: string, goType: string): Error {
  const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value === 'object' ? 'object' : typeof value;
  const shown = kind === 'number' ? `number ${String(value)}` : kind;
  const where = goField ? ` into Go struct field ${goField}` : ' into Go value';
  return new Error(`json: cannot unmarshal ${shown}${where} of type ${goType}`);
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(record).sort(compareGoStrings).map((key) => [key, record[key] ?? '']));
}
