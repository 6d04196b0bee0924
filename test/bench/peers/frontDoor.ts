import { createServer, type Server } from 'https';
import type { Socket } from 'net';
import type { FakeServer } from '../../fakes/common/server';

/**
 * One TLS listener for a host name that several fakes share (www.googleapis.com serves Drive and Calendar):
 * each request goes to the fake whose path prefix matches, and each fake's URLs name the public host.
 */
export class FrontDoor {
	private server?: Server;
	private readonly sockets = new Set<Socket>();

	constructor(
		private readonly publicName: string,
		private readonly routes: Array<{ prefix: RegExp; fake: FakeServer }>,
	) {}

	async start(host: string, tls: { key: string; cert: string }, port = 443): Promise<void> {
		this.server = createServer(tls, (req, res) => {
			const route =
				this.routes.find((candidate) => candidate.prefix.test(req.url ?? '/')) ?? this.routes[0];
			route.fake.serve(req, res);
		});
		this.server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve, reject) => {
			this.server!.once('error', reject);
			this.server!.listen(port, host, resolve);
		});
		for (const { fake } of this.routes) fake.baseUrl = `https://${this.publicName}`;
	}

	async stop(): Promise<void> {
		if (!this.server) return;
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
		this.server = undefined;
	}
}
