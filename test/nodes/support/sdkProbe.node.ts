import { drive } from '@googleapis/drive';
import { Client, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { Dropbox } from 'dropbox';
import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { createTransport } from '../../../nodes/shared/transport/createTransport';
import { CLOUD_WIRES } from '../../support/cloudWires';

export const PROBE_CREDENTIALS: Record<'googleDrive' | 'oneDrive' | 'dropbox', string> = {
	googleDrive: 'cloudSyncGoogleDriveOAuth2Api',
	oneDrive: 'cloudSyncMicrosoftOneDriveOAuth2Api',
	dropbox: 'cloudSyncDropboxOAuth2Api',
};

/** The last middleware of a Graph client: hand the request to the transport (which signs, paces and refreshes). */
class TransportHandler implements Middleware {
	constructor(private readonly fetch: (input: any, init?: any) => Promise<Response>) {}
	async execute(context: Context): Promise<void> {
		context.response = await this.fetch(context.request as string, context.options);
	}
}

/**
 * Test-only node: makes `calls` listing calls with the real SDK of one provider through createTransport (so
 * through n8n's httpRequestWithAuthentication and refreshOAuth2Token), then, for Dropbox, an upload in
 * `chunks` upload-session chunks. Outputs what each call saw, never tokens.
 */
export class SdkProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SDK Probe',
		name: 'sdkProbe',
		group: ['transform'],
		version: 1,
		description: 'Calls a cloud SDK through the transport (tests only)',
		defaults: { name: 'SDK Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: Object.values(PROBE_CREDENTIALS).map((name) => ({ name, required: false })),
		properties: [
			{ displayName: 'Provider', name: 'provider', type: 'string', default: 'googleDrive' },
			{ displayName: 'Calls', name: 'calls', type: 'number', default: 3 },
			{ displayName: 'Upload Chunks', name: 'chunks', type: 'number', default: 0 },
			{ displayName: 'Chunk Size', name: 'chunkSize', type: 'number', default: 1024 },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const provider = this.getNodeParameter('provider', 0) as keyof typeof PROBE_CREDENTIALS;
		const calls = this.getNodeParameter('calls', 0) as number;
		const transport = await createTransport(
			this,
			PROBE_CREDENTIALS[provider],
			CLOUD_WIRES[provider],
		);
		const out: INodeExecutionData[] = [];

		if (provider === 'googleDrive') {
			const api = drive({
				version: 'v3',
				fetchImplementation: transport.fetch as unknown as typeof fetch,
				retry: false,
			});
			for (let i = 0; i < calls; i++) {
				const { data } = await api.files.list({ pageSize: 10, fields: 'files(id,name)' });
				out.push({ json: { call: i, count: data.files?.length ?? 0 } });
			}
		} else if (provider === 'oneDrive') {
			const client = Client.initWithMiddleware({
				middleware: new TransportHandler(transport.fetch),
			});
			for (let i = 0; i < calls; i++) {
				const data = await client.api('/me/drive/root/children').get();
				out.push({ json: { call: i, count: (data.value as unknown[]).length } });
			}
		} else {
			const api = new Dropbox({ fetch: transport.fetch });
			for (let i = 0; i < calls; i++) {
				const { result } = await api.filesListFolder({ path: '' });
				out.push({ json: { call: i, count: result.entries.length } });
			}
			const chunks = this.getNodeParameter('chunks', 0) as number;
			if (chunks > 0) {
				const size = this.getNodeParameter('chunkSize', 0) as number;
				const piece = (n: number) => Buffer.alloc(size, 65 + n);
				const { result: session } = await api.filesUploadSessionStart({
					close: false,
					contents: piece(0),
				});
				for (let n = 1; n < chunks; n++) {
					await api.filesUploadSessionAppendV2({
						cursor: { session_id: session.session_id, offset: n * size },
						close: false,
						contents: piece(n),
					});
				}
				const { result: file } = await api.filesUploadSessionFinish({
					cursor: { session_id: session.session_id, offset: chunks * size },
					commit: { path: '/probe.bin', mode: { '.tag': 'overwrite' } },
					contents: Buffer.alloc(0),
				});
				out.push({ json: { uploaded: file.path_display ?? '', size: file.size } });
			}
		}
		return [out];
	}
}
