// Runs the kiln CLI from the workspace sources in this process: `node <ts-child args> kiln-cli.mts build ...`.
// The path is built at run time so that this plugin package takes no dependency on the app.
const cliMain = new URL('../../../apps/cli/src/main.ts', import.meta.url).href;
const { main } = (await import(cliMain)) as { main: (argv: readonly string[]) => Promise<number> };
process.exitCode = await main(process.argv.slice(2));
