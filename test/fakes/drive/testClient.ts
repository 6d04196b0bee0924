import { drive, type drive_v3 } from '@googleapis/drive';
import { FakeAuth } from '../common/auth';
import { DRIVE_SCOPES, FakeDrive } from './fakeDrive';

/** Where the SDK sends Drive calls; the test client points them at the fake. */
const GOOGLE_ORIGIN = 'https://www.googleapis.com';

export interface DriveTestClient {
	fake: FakeDrive;
	/** The bearer the client sends (issued by the fake token authority for the scopes asked). */
	accessToken: string;
	sdk: drive_v3.Drive;
	/** A raw HTTP call with the current bearer (or none), for status and header assertions. */
	raw(
		method: string,
		path: string,
		init?: { headers?: Record<string, string>; body?: Buffer | string; auth?: boolean },
	): Promise<Response>;
	close(): Promise<void>;
}

/** A body as bytes: the SDK hands multipart uploads over as streams, which fetch would need to stream half-duplex. */
async function bodyBytes(body: unknown): Promise<Buffer | string | undefined> {
	if (body === undefined || body === null) return undefined;
	if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
	if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
		const chunks: Buffer[] = [];
		for await (const chunk of body as AsyncIterable<unknown>)
			chunks.push(
				typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array),
			);
		return Buffer.concat(chunks);
	}
	if (body instanceof URLSearchParams) return body.toString();
	if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	throw new TypeError(
		`The Drive test client cannot send a body of type ${Object.prototype.toString.call(body)}`,
	);
}

/**
 * A started FakeDrive and the real SDK pointed at it by a small client of the fakes' own (no retries, no refresh):
 * the fakes are tested without the project's transport, which they exist to test.
 */
export async function startDriveClient(
	scopes: string[] = [DRIVE_SCOPES.drive],
	auth = new FakeAuth(),
): Promise<DriveTestClient> {
	const fake = new FakeDrive(auth);
	await fake.start();
	const accessToken = auth.issue('google', scopes).access_token;
	const fetchImplementation = async (
		input: string | URL | { url: string },
		init: RequestInit = {},
	): Promise<Response> => {
		const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
		const headers = new Headers(init.headers as HeadersInit | undefined);
		headers.set('authorization', `Bearer ${accessToken}`);
		const body = await bodyBytes(init.body);
		return await fetch(
			url.startsWith(GOOGLE_ORIGIN) ? fake.baseUrl + url.slice(GOOGLE_ORIGIN.length) : url,
			{ ...init, headers, body },
		);
	};
	const options: drive_v3.Options = {
		version: 'v3',
		fetchImplementation: fetchImplementation as never,
		retry: false,
	};
	const sdk = drive(options);
	return {
		fake,
		accessToken,
		sdk,
		raw: (method, path, init = {}) =>
			fetch(fake.baseUrl + path, {
				method,
				headers: {
					...(init.auth === false ? {} : { authorization: `Bearer ${accessToken}` }),
					...init.headers,
				},
				body: init.body,
			}),
		close: () => fake.stop(),
	};
}

/** Status and Google error reason of a failed SDK call. */
export async function failure(
	promise: Promise<unknown>,
): Promise<{ status?: number; reason?: string; message: string }> {
	try {
		await promise;
	} catch (error) {
		const e = error as {
			status?: number;
			response?: { status?: number; data?: any };
			message: string;
		};
		const data =
			typeof e.response?.data === 'string' ? JSON.parse(e.response.data) : e.response?.data;
		return {
			status: e.status ?? e.response?.status,
			reason: data?.error?.errors?.[0]?.reason,
			message: e.message,
		};
	}
	throw new Error('expected the call to fail');
}
