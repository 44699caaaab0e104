// A TCP proxy that delays every chunk by a fixed time in each direction: a slow network without
// netem. Prints its port on stdout, then forwards until killed.
//
//   node tools/bench/latency-proxy.mjs <target-host> <target-port> <delay-ms>
import { connect, createServer } from 'node:net';

const [host, port, delay] = process.argv.slice(2);
const delayMs = Number(delay);

/** Timers of equal duration fire in the order they were set, so the byte order holds. */
function delayed(from, to) {
  from.on('data', (chunk) => setTimeout(() => to.write(chunk), delayMs));
  from.on('end', () => setTimeout(() => to.end(), delayMs));
  from.on('error', () => to.destroy());
}

const server = createServer((client) => {
  client.setNoDelay(true);
  const upstream = connect(Number(port), host);
  upstream.setNoDelay(true);
  delayed(client, upstream);
  delayed(upstream, client);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
