export {
	FakeDropbox,
	ALL_SCOPES,
	MAX_REQUEST_BYTES,
	type FakeDropboxOptions,
	type UploadCut,
} from './fakeDropbox';
export { contentHashOf, ContentHasher } from './contentHash';
