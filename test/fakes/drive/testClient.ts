import { drive, type drive_v3 } from '@googleapis/drive';
import { Pacer } from '../../../nodes/shared/transport/pacer';
import { Transport } from '../../../nodes/shared/transport/transport';
import { RequestStats } from '../../../nodes/shared/transport/stats';
import { TestWire } from '../../harness/testWire';
import { FakeAuth } from '../common/auth';
import { DRIVE_SCOPES, FakeDrive } from './fakeDrive';
import { CLOUD_WIRES } from '../../support/cloudWires';

export interface DriveTestClient {
	fake: FakeDrive;
	wire: TestWire;
	transport: Transport;
	sdk: drive_v3.Drive;
	/** A raw HTTP call with the current bearer (or none), for status and header assertions. */
	raw(method: string, path: string, init?: { headers?: Record<string, string>; body?: Buffer | string; auth?: boolean }): Promise<Response>;
	close(): Promise<void>;
}

/** A started FakeDrive and the real SDK pointed at it through the project's transport (no retries). */
export async function startDriveClient(scopes: string[] = [DRIVE_SCOPES.drive], auth = new FakeAuth()): Promise<DriveTestClient> {
	const fake = new FakeDrive(auth);
	await fake.start();
	const wire = new TestWire(auth, 'google', scopes);
	const transport = new Transport(wire, {
		cloud: CLOUD_WIRES.googleDrive,
		baseUrl: fake.baseUrl,
		pacer: new Pacer({ maxAttempts: 1 }),
		stats: new RequestStats(),
	});
	const options: drive_v3.Options = { version: 'v3', fetchImplementation: transport.fetch as never, retry: false };
	const sdk = drive(options);
	return {
		fake,
		wire,
		transport,
		sdk,
		raw: (method, path, init = {}) =>
			fetch(fake.baseUrl + path, {
				method,
				headers: { ...(init.auth === false ? {} : { authorization: `Bearer ${wire.accessToken}` }), ...init.headers },
				body: init.body,
			}),
		close: () => fake.stop(),
	};
}

/** Status and Google error reason of a failed SDK call. */
export async function failure(promise: Promise<unknown>): Promise<{ status?: number; reason?: string; message: string }> {
	try {
		await promise;
	} catch (error) {
		const e = error as { status?: number; response?: { status?: number; data?: any }; message: string };
		const data = typeof e.response?.data === 'string' ? JSON.parse(e.response.data) : e.response?.data;
		return { status: e.status ?? e.response?.status, reason: data?.error?.errors?.[0]?.reason, message: e.message };
	}
	throw new Error('expected the call to fail');
}
