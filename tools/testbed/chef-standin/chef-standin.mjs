#!/usr/bin/env node
// The chef-solo / chef-client / knife stand-in of the kiln testbed (see src/chef-standin.ts).
// Chef itself cannot be installed here, so this checks what a real Chef would read from the
// files a provisioner generated: the config parses as Ruby (`ruby -c`), the JSON attributes parse,
// and every cookbook, role, data bag and environment path the config names exists. It appends one
// JSON line per call to calls.jsonl beside it (argv, the files' text, the named trees with a
// sha256 per file) and exits with the status fail.json asks for, else 0 when every check held.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [tool = 'unknown', ...args] = process.argv.slice(2);

/** The config file as Ruby would set it: every `key value` line evaluated into a hash. */
const RUBY_READER = `
require 'json'
class KilnChefConfigReader
  def initialize; @settings = {}; end
  attr_reader :settings
  def method_missing(name, *values)
    value = values.length == 1 ? values[0] : values
    @settings[name.to_s] = value
  end
  def respond_to_missing?(*) = true
end
reader = KilnChefConfigReader.new
reader.instance_eval(File.read(ARGV[0]), ARGV[0])
plain = ->(v) { v.is_a?(IO) ? (v == STDOUT ? 'STDOUT' : v.to_s) : v.is_a?(Symbol) ? ":#{v}" : v.is_a?(Array) ? v.map(&plain) : v }
puts JSON.generate(reader.settings.transform_values(&plain))
`;

function option(names) {
  for (let i = 0; i < args.length; i++) {
    if (names.includes(args[i])) return args[i + 1];
    for (const name of names) if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}

function tree(root) {
  const files = {};
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(root, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(root);
  return files;
}

const problems = [];
const record = { tool, args, sudo: process.env.KILN_CHEF_STANDIN_SUDO === '1', cwd: process.cwd() };

function readConfig(path) {
  if (!path) return void problems.push('no config file given (-c)');
  if (!existsSync(path)) return void problems.push(`config file ${path} does not exist`);
  record.configPath = path;
  record.configText = readFileSync(path, 'utf8');
  const syntax = spawnSync('ruby', ['-c', path], { encoding: 'utf8' });
  if (syntax.status !== 0) return void problems.push(`ruby -c ${path}: ${syntax.stderr.trim()}`);
  const read = spawnSync('ruby', ['-e', RUBY_READER, path], { encoding: 'utf8' });
  if (read.status !== 0) return void problems.push(`cannot evaluate ${path}: ${read.stderr.trim()}`);
  record.settings = JSON.parse(read.stdout);
}

function readJson(path) {
  if (!path) return;
  if (!existsSync(path)) return void problems.push(`JSON attributes ${path} do not exist`);
  record.jsonPath = path;
  record.jsonText = readFileSync(path, 'utf8');
  try {
    JSON.parse(record.jsonText);
  } catch (error) {
    problems.push(`JSON attributes ${path}: ${error.message}`);
  }
}

/** The paths a solo/client config names, each of which must exist on this host. */
function checkNamedPaths() {
  const settings = record.settings ?? {};
  record.trees = {};
  const directories = { cookbook_path: true, role_path: true, data_bag_path: true, environment_path: true };
  for (const key of [...Object.keys(directories), 'encrypted_data_bag_secret', 'validation_key']) {
    const value = settings[key];
    if (value === undefined) continue;
    for (const path of Array.isArray(value) ? value : [value]) {
      if (typeof path !== 'string') continue;
      if (!existsSync(path)) {
        problems.push(`${key} ${path} does not exist`);
        continue;
      }
      record.trees[path] = directories[key] ? tree(path) : createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  }
}

if (tool === 'chef-solo' || tool === 'chef-client') {
  readConfig(option(['-c', '--config']));
  readJson(option(['-j', '--json-attributes']));
  checkNamedPaths();
} else if (tool === 'knife') {
  readConfig(option(['-c', '--config']));
} else if (tool === 'install') {
  record.version = option(['-v']) ?? '';
}

const failures = existsSync(join(here, 'fail.json')) ? JSON.parse(readFileSync(join(here, 'fail.json'), 'utf8')) : {};
const status = problems.length > 0 ? 1 : Number(failures[tool] ?? 0);
record.problems = problems;
record.status = status;
appendFileSync(join(here, 'calls.jsonl'), `${JSON.stringify(record)}\n`);

console.log([`${tool} stand-in:`, ...args].join(' '));
for (const problem of problems) console.error(`${tool} stand-in: ${problem}`);
if (status !== 0 && problems.length === 0) console.error(`${tool} stand-in: failing with ${status} as asked`);
process.exit(status);
