/**
 * A storage's rules for file and folder names. Each storage declares its own in its folder
 * (storage/<cloud>/names.ts, listed by the registry as `names`); sync/names.ts applies them.
 */
export interface NameRules {
	/** Characters the storage refuses in a name (a global expression): each becomes "_". */
	illegal: RegExp;
	trimTrailingDotsAndSpaces: boolean;
	trimLeadingSpaces: boolean;
	/** Windows device names ("con", "lpt1.txt") are refused. */
	windowsReserved: boolean;
	/**
	 * The storage's own refusals beyond the common ones (OneDrive's "~$", "_vti_", ".lock"): makes `name` (already
	 * free of illegal characters) acceptable, before the Windows device-name check.
	 */
	ownRules?: (name: string) => string;
	maxLength: number;
	/** How length is counted: UTF-16 code units (cloud APIs) or UTF-8 bytes (file systems). */
	lengthUnit: 'utf16' | 'utf8';
	/** Whole relative path limit, if the provider has one. */
	maxPathLength?: number;
}

/** Stands in for every character, or in front of every name, a storage refuses. */
export const NAME_REPLACEMENT = '_';

/** The characters Windows refuses in a name, for the storages that follow Windows' rules. */
export const WINDOWS_ILLEGAL = /["*:<>?/\\|]/g;
