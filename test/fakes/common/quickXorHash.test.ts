import { QuickXorHash, quickXorHash } from './quickXorHash';

/**
 * Published vectors: rclone's backend/onedrive/quickxorhash/quickxorhash_test.go ([size, input base64, digest]);
 * rclone checks its port of Microsoft's snippet against them. Wrapped inputs are joined here.
 */
const VECTORS: Array<[number, string, string]> = [
	[0, '', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
	[1, 'Sg==', 'SgAAAAAAAAAAAAAAAQAAAAAAAAA='],
	[2, 'tbQ=', 'taAFAAAAAAAAAAAAAgAAAAAAAAA='],
	[3, '0pZP', '0rDEEwAAAAAAAAAAAwAAAAAAAAA='],
	[7, 'qaApEj66lw==', 'qQBFCiTgA11cAgAABwAAAAAAAAA='],
	[8, '/aNzzCFPS/A=', '/RjFHJgRgicsAR4ACAAAAAAAAAA='],
	[13, 'vPgoDjOfO6fm71RxLw==', 'vMAHChwwg0/s4BTmdQcV4vACAAA='],
	[16, '2fuxhBJXtpWFe8dOfdGeHw==', 'O9tHLAghgSvYohKFyMMxnNCHaHg='],
	[20, 'T6LYJIfDh81JrAK309H2JMJTXis=', 'zBTHrspn3mEcohlJdIUAbjGNaNg='],
	[21, 'DWAAX5/CIfrmErgZa8ot6ZraeSbu', 'LR2Z0PjuRYGKQB/mhQAuMrAGZbQ='],
	[32, 'NbYXsp5/K6mR+NmHwExjvWeWDJFnXTKWVlzYHoesp2E=', 'wjuAuWDiq04qDt1R8hHWDDcwVoQ='],
	[
		57,
		'sa6SHK9z/G505bysK5KgRO2z2cTksDkLoFc7sv0tWBmf2G2mCiozf2Ce6EIO+W1fRsrrtn/eeOAV',
		'xZg1CwMNAjN0AIXw2yh4+1N3oos=',
	],
	[
		222,
		'PfxMcUd0vIW6VbHG/uj/Y0W6qEoKmyBD0nYebEKazKaKG+UaDqBEcmQjbfQeVnVLuodMoPp7P7TR' +
			'1htX5n2VnkHh22xDyoJ8C/ZQKiSNqQfXvh83judf4RVr9exJCud8Uvgip6aVZTaPrJHVjQhMCp/d' +
			'EnGvqg0oN5OVkM2qqAXvA0teKUDhgNM71sDBVBCGXxNOR2bpbD1iM4dnuT0ey4L+loXEHTL0fqMe' +
			'UcEi2asgImnlNakwenDzz0x57aBwyq3AspCFGB1ncX4yYCr/OaCcS5OKi/00WH+wNQU3',
		'QX/YEpG0gDsmhEpCdWhsxDzsfVE=',
	],
];

describe("the fakes' own quickXorHash", () => {
	it.each(VECTORS)('matches the published vector of %i bytes', (size, input, digest) => {
		const content = Buffer.from(input, 'base64');
		expect(content.length).toBe(size);
		expect(quickXorHash(content)).toBe(digest);
	});

	it('does not depend on how the content is cut into chunks', () => {
		for (const [, input, digest] of VECTORS) {
			const content = Buffer.from(input, 'base64');
			for (const size of [1, 7, 64, 159, 160, 161]) {
				const hash = new QuickXorHash();
				for (let at = 0; at < content.length; at += size)
					hash.update(content.subarray(at, at + size));
				expect(hash.digest()).toBe(digest);
			}
		}
	});
});
