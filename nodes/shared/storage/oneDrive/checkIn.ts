import { CloudError, isCloudError } from '../../types/cloudError';
import type { GraphCaller } from './graphClient';

/** The comment a check-in leaves in the library's version history. */
const CHECK_IN_COMMENT = 'Exported by n8n';

/**
 * Check-in after writes, for SharePoint libraries set to "Require Check Out": there a file uploaded or changed
 * through Graph stays checked out to the uploader, invisible to everyone else until it is checked in
 * (learn.microsoft.com/graph/api/driveitem-checkin). Graph does not say whether a library requires check-out,
 * and its upload answers leave out the item's publication facet ("not returned by default"), so the first
 * write of a run reads that facet back (one request) and the answer holds for the rest of the run: in such a
 * library every write is then checked in (one request each); elsewhere nothing more is asked.
 */
export class CheckIns {
	/** Whether this library keeps writes checked out: unknown until the run's first write. */
	private required: boolean | undefined;

	constructor(
		private readonly graph: GraphCaller,
		private readonly itemPath: (id: string) => string,
		/** False for drives that have no check-out (a OneDrive): never asks. */
		applies: boolean,
	) {
		if (!applies) this.required = false;
	}

	/** After a successful upload of `id` (named `target` in messages): check it in when the library wants that. */
	async afterWrite(id: string, target: string): Promise<void> {
		if (this.required === false) return;
		try {
			if (this.required === undefined) {
				this.required = await this.checkedOut(id, target);
				if (!this.required) return;
			}
			await this.graph
				.call('write', target, () =>
					this.graph.client.api(`${this.itemPath(id)}/checkin`).post({ comment: CHECK_IN_COMMENT }),
				)
				.catch(async (error: unknown) => {
					// Another run of this workflow (two webhook calls at once) may have checked the same file in since
					// this one wrote it: what is no longer checked out is done (soak seeds 406542064, 1653066938).
					if (!isCloudError(error) || (await this.checkedOut(id, target).catch(() => true)))
						throw error;
				});
		} catch (error) {
			if (!isCloudError(error)) throw error;
			// Same reason (a throttled or signed-out run still stops the run), words about what is left behind.
			throw new CloudError(
				error.reason,
				`"${target}" went into the SharePoint library but could not be checked in: ${error.message}`,
				{
					...error.details,
					hint:
						'The library requires check-out, so the file stays checked out to ' +
						'the n8n account and hidden from others: ' +
						"check it in from the library (the file's ... menu > More > Check in), then run again.",
				},
			);
		}
	}

	/** Whether the file is checked out now (its publication facet: "checkout" or "published"). */
	private async checkedOut(id: string, target: string): Promise<boolean> {
		const json: { publication?: { level?: string } } = await this.graph.get(
			`${this.itemPath(id)}?$select=id,publication`,
			'read',
			target,
		);
		return json.publication?.level === 'checkout';
	}
}
