import { isCloudError, type CloudError } from '../../nodes/shared/types/cloudError';
import { createOneDriveFixture, type OneDriveFixture } from '../storage/fixtures/oneDrive';
import { patternStream } from '../storage/support';

/**
 * Issue 15 made the Graph fake replace an existing file when an upload session or a PUT addresses its path with
 * no conflict behaviour, as Graph does. The project must therefore say "fail" itself wherever it relies on being
 * refused: a file the user put where the export wants to create one is never overwritten, by simple PUT or session.
 */
async function failure(promise: Promise<unknown>): Promise<CloudError> {
	try {
		await promise;
	} catch (error) {
		if (isCloudError(error)) return error;
		throw error;
	}
	throw new Error('expected a CloudError');
}

describe("OneDrive storage never overwrites a file it did not write, now that Graph's default replaces", () => {
	let fixture: OneDriveFixture;
	afterEach(async () => fixture?.close());

	it.each([
		['a simple PUT', 100],
		['an upload session', 3 * 1024 * 1024],
	])(
		"creating over the user's file through %s is a conflict, and the user's bytes stay",
		async (_how, size) => {
			fixture = await createOneDriveFixture({ provider: { simpleUploadLimit: 1024 * 1024 } });
			const { provider, rootId, user } = fixture;
			await user.createFile('report.pdf', Buffer.from("the user's own report"));
			const refused = await failure(
				provider.upload(
					{ parentId: rootId, name: 'report.pdf' },
					{ size, stream: patternStream(size, 'ours') },
				),
			);
			expect(refused.reason).toBe('conflict');
			expect((await user.read('report.pdf'))!.toString()).toBe("the user's own report");
		},
	);
});
