/**
 * Runs `action`; when it fails with an error `recoverable` accepts, the result of `fallback` stands in. Any other
 * error propagates unchanged: CloudError kinds still decide later whether the run stops or only the item fails,
 * and the node converts every error to a NodeApiError / NodeOperationError at its boundary.
 */
export async function recoverFrom<T>(
	action: () => Promise<T>,
	recoverable: (error: unknown) => boolean,
	fallback: (error: unknown) => Promise<T> | T,
): Promise<T> {
	return await action().catch(async (error: unknown) => (recoverable(error) ? await fallback(error) : await Promise.reject(error)));
}
