import {
	cloudDestination,
	countActions,
	exportWorkflow,
	type Doc,
} from '../nodes/support/exportWorkflow';
import type { CloudKind } from './collectIdle';

export interface ExportNewResult {
	kind: CloudKind;
	files: number;
	folders: number;
	requests: number;
	uploads: number;
	ms: number;
	/** The same files again: requests and uploads. */
	againRequests: number;
	againUploads: number;
}

/** Small documents spread evenly over `folders` folders (Custom Template "F<n>"). */
function documents(files: number, folders: number): Doc[] {
	return Array.from({ length: files }, (_, i) => ({
		id: `D${i}`,
		content: `document ${i}`,
		json: { folder: `F${i % folders}` },
	}));
}

/** Export N new small files into F new folders, then the same N unchanged. */
export async function exportNew(
	kind: CloudKind,
	files: number,
	folders: number,
): Promise<ExportNewResult> {
	const destination = await cloudDestination(kind);
	try {
		const flow = exportWorkflow(destination, {
			folderStructure: 'custom',
			folderTemplate: '={{ $json.folder }}',
		});
		const docs = documents(files, folders);
		const start = destination.counts();
		const started = Date.now();
		const first = await flow.run(docs);
		const ms = Date.now() - started;
		const actions = countActions(first.json);
		if (actions.created !== files)
			throw new Error(`${kind}: export gave ${JSON.stringify(actions)}`);
		const afterFirst = destination.counts();
		const again = await flow.run(docs);
		const againActions = countActions(again.json);
		if (againActions.unchanged !== files)
			throw new Error(`${kind}: re-export gave ${JSON.stringify(againActions)}`);
		const afterAgain = destination.counts();
		return {
			kind,
			files,
			folders,
			requests: afterFirst.total - start.total,
			uploads: afterFirst.uploads - start.uploads,
			ms,
			againRequests: afterAgain.total - afterFirst.total,
			againUploads: afterAgain.uploads - afterFirst.uploads,
		};
	} finally {
		await destination.close();
	}
}
