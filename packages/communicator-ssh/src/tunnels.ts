import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client, TcpConnectionDetails } from 'ssh2';
import type { TunnelSpec } from './tunnel-spec.js';

function splice(a: Duplex, b: Duplex): void {
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.pipe(b).pipe(a);
}

/**
 * ssh_local_tunnels and ssh_remote_tunnels. Local listeners live as long as the communicator and
 * always use the current connection; remote forwards are requested again after a reconnect.
 */
export class Tunnels {
  private readonly servers: Server[] = [];
  private readonly remote: TunnelSpec[];

  constructor(
    private readonly specs: readonly TunnelSpec[],
    private readonly currentClient: () => Client | undefined,
  ) {
    this.remote = specs.filter((spec) => spec.direction === 'remote');
  }

  /** Binds the local listeners (once). */
  async listenLocal(): Promise<void> {
    for (const spec of this.specs.filter((tunnel) => tunnel.direction === 'local')) {
      const server = createServer((socket: Socket) => {
        const client = this.currentClient();
        if (!client) {
          socket.destroy();
          return;
        }
        client.forwardOut(socket.remoteAddress ?? '127.0.0.1', socket.remotePort ?? 0, spec.forwardHost, spec.forwardPort, (error, channel) => {
          if (error) socket.destroy();
          else splice(socket, channel);
        });
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error) =>
          reject(new Error(`Tunnel: Failed to bind local ('${spec.listenHost}:${spec.listenPort}'): ${error.message}`)),
        );
        server.listen(spec.listenPort, spec.listenHost, () => resolve());
      });
      this.servers.push(server);
    }
  }

  /** Asks the server to listen for the remote tunnels on this connection. */
  async forwardRemote(client: Client): Promise<void> {
    if (this.remote.length === 0) return;
    client.on('tcp connection', (details: TcpConnectionDetails, accept, reject) => {
      const spec = this.remote.find((tunnel) => tunnel.listenPort === details.destPort);
      if (!spec) {
        reject();
        return;
      }
      const upstream = connect({ host: spec.forwardHost, port: spec.forwardPort });
      let accepted = false;
      upstream.once('connect', () => {
        accepted = true;
        splice(accept(), upstream);
      });
      upstream.once('error', () => {
        if (!accepted) reject();
      });
    });
    for (const spec of this.remote) {
      await new Promise<void>((resolve, reject) =>
        client.forwardIn(spec.listenHost, spec.listenPort, (error) =>
          error
            ? reject(new Error(`Tunnel: Failed to bind remote ('${spec.listenHost}:${spec.listenPort}'): ${error.message}`))
            : resolve(),
        ),
      );
    }
  }

  close(): void {
    for (const server of this.servers.splice(0)) server.close();
  }
}
