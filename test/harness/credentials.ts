import {
	ICredentialsHelper,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeProperties,
	type IRequestOptionsSimplified,
	type IWorkflowExecuteAdditionalData,
	type Workflow,
} from 'n8n-workflow';

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

/**
 * A credentials helper that behaves like n8n's where it matters to us: OAuth2 credential types route through
 * n8n's requestOAuth2 (parent type oAuth2Api), and refreshed tokens are really stored, so a test can assert
 * what n8n would persist (e.g. Microsoft's rotated refresh token). Defaults of the credential class apply to
 * fields the stored data leaves out, as n8n does; expression defaults are not evaluated (tests store URLs).
 */
export class HarnessCredentials extends ICredentialsHelper {
	private readonly store = new Map<string, StoredCredential>();
	private readonly types = new Map<string, ICredentialType>();
	/** Every token update n8n asked us to persist, oldest first. */
	readonly tokenUpdates: Array<{ id: string; type: string; oauthTokenData: unknown }> = [];

	registerType(type: ICredentialType): void {
		this.types.set(type.name, type);
	}

	add(credential: StoredCredential): INodeCredentialsDetails {
		this.store.set(credential.id, structuredClone(credential));
		return { id: credential.id, name: credential.name };
	}

	get(id: string): StoredCredential {
		const found = this.store.get(id);
		if (!found) throw new Error(`no credential ${id}`);
		return structuredClone(found);
	}

	getParentTypes(name: string): string[] {
		const type = this.types.get(name);
		const parents = type?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	async authenticate(
		_credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		_workflow: Workflow,
		_node: INode,
	): Promise<IHttpRequestOptions> {
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		_node: INode,
		_credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		const stored = this.find(nodeCredentials, type);
		return {
			id: stored.id,
			name: stored.name,
			type: stored.type,
			getData: () => structuredClone(stored.data),
			getDataToSave: () => ({ data: '' }),
			setData: () => undefined,
		} as unknown as ICredentials;
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.find(nodeCredentials, type);
		return { ...this.defaults(type), ...structuredClone(stored.data) };
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.find(nodeCredentials, type);
		stored.data = structuredClone(data);
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.find(nodeCredentials, type);
		stored.data = { ...stored.data, oauthTokenData: structuredClone(data.oauthTokenData) };
		this.tokenUpdates.push({
			id: stored.id,
			type,
			oauthTokenData: structuredClone(data.oauthTokenData),
		});
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types.get(type)?.properties ?? [];
	}

	private find(nodeCredentials: INodeCredentialsDetails, type: string): StoredCredential {
		const stored = nodeCredentials.id ? this.store.get(nodeCredentials.id) : undefined;
		if (!stored)
			throw new Error(
				`Credential "${nodeCredentials.name}" (${String(nodeCredentials.id)}) not found`,
			);
		if (stored.type !== type)
			throw new Error(`Credential "${stored.name}" is of type ${stored.type}, not ${type}`);
		return stored;
	}

	/** Plain (non-expression) defaults of the type and its parents, like n8n's applyDefaultsAndOverwrites. */
	private defaults(type: string): ICredentialDataDecryptedObject {
		const result: ICredentialDataDecryptedObject = {};
		for (const name of [...this.getParentTypes(type).reverse(), type]) {
			for (const property of this.types.get(name)?.properties ?? []) {
				const value = property.default;
				if (typeof value === 'string' && value.startsWith('=')) continue;
				result[property.name] = value as ICredentialDataDecryptedObject[string];
			}
		}
		return result;
	}
}
