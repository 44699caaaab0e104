// The run ledger lives in @kiln/resource-ledger, where `kiln cleanup` reads it back (owner pid,
// atomic writes); core keeps this module so its imports stay as they were.
export { FileLedger } from '@kiln/resource-ledger';
