// `node --import <this file> --conditions=@kiln/source child.ts`: see hooks.mjs.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
