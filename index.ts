// Every node and credential class of the package (n8n itself loads them from the paths in package.json's "n8n").
export { CalendarSync } from './nodes/CalendarSync/CalendarSync.node';
export { CollectNewFiles } from './nodes/CollectNewFiles/CollectNewFiles.node';
export { ExportToFolder } from './nodes/ExportToFolder/ExportToFolder.node';
export { CloudSyncDropboxOAuth2Api } from './credentials/CloudSyncDropboxOAuth2Api.credentials';
export { CloudSyncGoogleCalendarOAuth2Api } from './credentials/CloudSyncGoogleCalendarOAuth2Api.credentials';
export { CloudSyncGoogleDriveOAuth2Api } from './credentials/CloudSyncGoogleDriveOAuth2Api.credentials';
export { CloudSyncMicrosoftOneDriveOAuth2Api } from './credentials/CloudSyncMicrosoftOneDriveOAuth2Api.credentials';
