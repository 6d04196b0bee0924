import type { IDataObject } from 'n8n-workflow';

/**
 * "Every error clear" (DESIGN.md section 6): a failure names the item, field or remote object concerned and says
 * what the user can do. These checks read what n8n shows: the message, the description, or a continueOnFail item.
 */

/** What the user can do, in the words our hints use. */
const ACTION =
	/\b(reconnect|run (it )?again|free (up )?(some )?(space|storage)|check|fix|rename|choose|pick|share|wait|enable|remove|use|give|provide|set|map|add|select|connect|resumes?|clear|change|shorten)\b/i;

export function errorText(error: unknown): string {
	if (!error || typeof error !== 'object') return typeof error === 'string' ? error : '';
	const { message, description } = error as { message?: unknown; description?: unknown };
	return [message, description].filter((part) => typeof part === 'string').join(' | ');
}

/** The text of a continueOnFail item: our nodes put the message in `error` (and may add a hint). */
export function itemErrorText(json: IDataObject): string {
	return [json.error, json.errorDescription, json.hint, json.message, json.description]
		.filter((part) => typeof part === 'string')
		.join(' | ');
}

/** True when the text names one of `names` and says what to do. */
export function isClear(text: string, names: string[]): boolean {
	const lower = text.toLowerCase();
	return (
		text.length > 0 && names.some((name) => lower.includes(name.toLowerCase())) && ACTION.test(text)
	);
}

/** 1 when an error exists and is unclear, 0 otherwise (a clean run counts as clear). */
export function unclearCount(text: string | undefined, names: string[]): number {
	if (text === undefined || text === '') return 0;
	return isClear(text, names) ? 0 : 1;
}
