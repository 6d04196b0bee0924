import { execFile } from 'child_process';
import { readFile, writeFile } from 'fs/promises';
import { join } from 'path';
import { promisify } from 'util';

const run = promisify(execFile);

export interface TestCertificates {
	/** PEM file of the test CA: what n8n trusts through NODE_EXTRA_CA_CERTS. */
	caFile: string;
	/** PEM key and certificate the fakes serve, valid for every name in `names`. */
	key: string;
	cert: string;
}

/**
 * A throwaway certificate authority and one server certificate for the given host names, made with the openssl
 * CLI in `dir` (EC P-256 keys, valid one day). The CA key never leaves that folder.
 */
export async function makeTestCertificates(
	dir: string,
	names: string[],
): Promise<TestCertificates> {
	const file = (name: string) => join(dir, name);
	const openssl = async (args: string[]) => {
		await run('openssl', args, { cwd: dir });
	};
	await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('ca.key')]);
	await openssl([
		'req',
		'-x509',
		'-new',
		'-key',
		file('ca.key'),
		'-days',
		'1',
		'-subj',
		'/CN=n8n-nodes-cloud-sync bench CA',
		'-addext',
		'basicConstraints=critical,CA:TRUE',
		'-addext',
		'keyUsage=critical,keyCertSign,cRLSign',
		'-out',
		file('ca.pem'),
	]);
	await openssl([
		'ecparam',
		'-name',
		'prime256v1',
		'-genkey',
		'-noout',
		'-out',
		file('server.key'),
	]);
	await openssl([
		'req',
		'-new',
		'-key',
		file('server.key'),
		'-subj',
		`/CN=${names[0]}`,
		'-out',
		file('server.csr'),
	]);
	await writeFile(
		file('server.ext'),
		[
			'basicConstraints=critical,CA:FALSE',
			'keyUsage=critical,digitalSignature,keyEncipherment',
			'extendedKeyUsage=serverAuth',
			`subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}`,
		].join('\n'),
	);
	await openssl([
		'x509',
		'-req',
		'-in',
		file('server.csr'),
		'-CA',
		file('ca.pem'),
		'-CAkey',
		file('ca.key'),
		'-CAcreateserial',
		'-days',
		'1',
		'-extfile',
		file('server.ext'),
		'-out',
		file('server.pem'),
	]);
	return {
		caFile: file('ca.pem'),
		key: await readFile(file('server.key'), 'utf8'),
		cert: await readFile(file('server.pem'), 'utf8'),
	};
}
