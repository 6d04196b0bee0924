export { FakeDrive, DRIVE_SCOPES, type SeedOptions, type TreeNode } from './fakeDrive';
export { generatedContent, generatedBuffer } from './generated';
export { CHUNK_ALIGNMENT } from './resumable';
export { FOLDER_MIME } from './store';
