import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { request } from 'https';
import { tmpdir } from 'os';
import { join } from 'path';
import { API_HOSTS, hostsFile } from '../../bench/peers/hosts';
import { makeTestCertificates, type TestCertificates } from '../../bench/peers/testCa';
import { ALL_SCOPES, FakeDropbox } from '../dropbox';
import { FakeAuth } from './auth';

/** The plumbing of bench scenario 7: a fake on TLS under a real host name, trusted only through the test CA. */

const hasOpenssl = (() => {
	try {
		execFileSync('openssl', ['version']);
		return true;
	} catch {
		return false;
	}
})();

function post(
	port: number,
	path: string,
	token: string,
	ca?: string,
): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = request(
			{
				host: '127.0.0.1',
				port,
				path,
				method: 'POST',
				servername: 'api.dropboxapi.com',
				headers: { host: 'api.dropboxapi.com', authorization: `Bearer ${token}` },
				...(ca ? { ca } : {}),
			},
			(res) => {
				let body = '';
				res.on('data', (chunk: Buffer) => (body += chunk.toString()));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
			},
		);
		req.on('error', reject);
		req.end();
	});
}

(hasOpenssl ? describe : describe.skip)('fakes on TLS under a real host name', () => {
	let dir: string;
	let certs: TestCertificates;
	const auth = new FakeAuth();
	const fake = new FakeDropbox(auth);

	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'cloud-sync-tls-'));
		certs = await makeTestCertificates(dir, Object.keys(API_HOSTS));
		await fake.start({ host: '127.0.0.1', port: 0, tls: certs, publicName: 'api.dropboxapi.com' });
	});

	afterAll(async () => {
		await fake.stop();
		rmSync(dir, { recursive: true, force: true });
	});

	it('names the public host in its base URL and answers a client that trusts the test CA', async () => {
		expect(fake.baseUrl).toMatch(/^https:\/\/api\.dropboxapi\.com:\d+$/);
		const port = Number(new URL(fake.baseUrl).port);
		const token = auth.issue('dropbox', ALL_SCOPES).access_token;
		const answer = await post(
			port,
			'/2/users/get_current_account',
			token,
			readFileSync(certs.caFile, 'utf8'),
		);
		expect(answer.status).toBe(200);
		expect(JSON.parse(answer.body).root_info).toEqual(expect.objectContaining({ '.tag': 'user' }));
	});

	it('is refused by a client that does not trust the test CA', async () => {
		const port = Number(new URL(fake.baseUrl).port);
		await expect(post(port, '/2/users/get_current_account', 'x')).rejects.toThrow(/certificate/i);
	});

	it('the namespace hosts file sends every API host name to its fake', () => {
		const lines = hostsFile().split('\n');
		for (const [name, address] of Object.entries(API_HOSTS))
			expect(lines).toContain(`${address}\t${name}`);
	});
});
