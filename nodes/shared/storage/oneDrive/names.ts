import { WINDOWS_ILLEGAL, type NameRules } from '../../types/nameRules';

/**
 * OneDrive's name rules: Windows' plus its own. A SharePoint library follows the same rules (support.microsoft.com,
 * "Restrictions and limitations in OneDrive and SharePoint"); its 400-character limit also counts the site's and
 * library's address, which the service checks.
 */
export const GRAPH_DRIVE_NAMES: NameRules = {
	illegal: WINDOWS_ILLEGAL,
	trimTrailingDotsAndSpaces: true,
	trimLeadingSpaces: true,
	windowsReserved: true,
	oneDriveRules: true,
	maxLength: 255,
	lengthUnit: 'utf16',
	maxPathLength: 400,
};
