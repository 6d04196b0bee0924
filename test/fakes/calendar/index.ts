export { FakeCalendar } from './fakeCalendar';
export { CalendarErrors, calendarError } from './errors';
export { EVENT_ID, MAX_OCCURRENCES } from './store';
