import { cloudErrorFromFailure } from '../../nodes/shared/storage/oneDrive/errors';

/** Graph's 423 (notAllowed / resourceLocked): a file someone holds, named with what to do, per service. */
describe('a locked file (Graph 423)', () => {
	const failure = {
		status: 423,
		code: 'notAllowed',
		message: 'The resource you are attempting to access is locked',
	};

	it('SharePoint: checked out to someone else; ask them to check it in; the other files went on', () => {
		const error = cloudErrorFromFailure(failure, 'write', 'receipt.pdf', 'SharePoint');
		expect(error.reason).toBe('other');
		expect(error.message).toBe(
			'The SharePoint file (receipt.pdf) is checked out to someone else (locked): The resource you are attempting to access is locked',
		);
		expect(error.hint).toContain('check it in (or discard the check-out)');
		expect(error.details).toMatchObject({ status: 423, providerCode: 'notAllowed' });
	});

	it('OneDrive: locked by an app editing it, never "checked out"', () => {
		const error = cloudErrorFromFailure(failure, 'write', 'receipt.pdf', 'OneDrive');
		expect(error.message).toContain(
			'The OneDrive file (receipt.pdf) is locked (open for editing elsewhere)',
		);
		expect(error.hint).toContain('Close the file');
	});
});
