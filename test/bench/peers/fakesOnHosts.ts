import { FakeCalendar } from '../../fakes/calendar';
import { FakeAuth } from '../../fakes/common/auth';
import type { FakeServer } from '../../fakes/common/server';
import { FakeDropbox } from '../../fakes/dropbox';
import { FakeDrive } from '../../fakes/drive';
import { FakeGraph } from '../../fakes/graph';
import { FakeOAuth } from '../../fakes/oauth';
import { FrontDoor } from './frontDoor';
import { API_HOSTS } from './hosts';

/** Every fake, listening with TLS on the real API host names (inside a namespace whose hosts file says so). */
export interface FakesOnHosts {
	auth: FakeAuth;
	oauth: FakeOAuth;
	drive: FakeDrive;
	graph: FakeGraph;
	dropbox: FakeDropbox;
	calendar: FakeCalendar;
	all: FakeServer[];
	stop(): Promise<void>;
}

/**
 * Start the fakes on the addresses of API_HOSTS, port 443, with the test CA's server certificate. Shared by bench
 * scenario 7 (n8n's built-in nodes) and the independent-client suite (test/clients: rclone).
 */
export async function startFakesOnHosts(
	tls: { key: string; cert: string },
	options: { port?: number } = {},
): Promise<FakesOnHosts> {
	// Another port than 443: a relay (latency.ts) listens on 443 and the fakes' URLs still name the public host.
	const port = options.port ?? 443;
	const auth = new FakeAuth();
	const oauth = new FakeOAuth(auth);
	const drive = new FakeDrive(auth);
	const graph = new FakeGraph(auth);
	const dropbox = new FakeDropbox(auth);
	const calendar = new FakeCalendar(auth);
	const googleApis = new FrontDoor('www.googleapis.com', [
		{ prefix: /^\/calendar\//, fake: calendar },
		{ prefix: /^\/(drive|upload|resumable)\//, fake: drive },
	]);
	await googleApis.start(API_HOSTS['www.googleapis.com'], tls, port);
	await oauth.start({
		host: API_HOSTS['oauth2.googleapis.com'],
		port,
		tls,
		publicName: 'oauth2.googleapis.com',
	});
	await graph.start({
		host: API_HOSTS['graph.microsoft.com'],
		port,
		tls,
		publicName: 'graph.microsoft.com',
	});
	await dropbox.start({
		host: API_HOSTS['api.dropboxapi.com'],
		port,
		tls,
		publicName: 'api.dropboxapi.com',
	});
	const all: FakeServer[] = [oauth, drive, graph, dropbox, calendar];
	for (const fake of all) fake.baseUrl = fake.baseUrl.replace(/:\d+$/, '');
	return {
		auth,
		oauth,
		drive,
		graph,
		dropbox,
		calendar,
		all,
		stop: async () => {
			await googleApis.stop();
			await Promise.all([oauth.stop(), graph.stop(), dropbox.stop()]);
		},
	};
}
