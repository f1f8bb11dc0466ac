// Formats a date with the dayjs tokens PM2's log_date_format uses, in local time, without a date library.

/** PM2's format for `--time`. */
export const DEFAULT_LOG_DATE_FORMAT = 'YYYY-MM-DDTHH:mm:ss';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

// Longer tokens first so that 'MM' wins over 'M'; '[...]' is literal text, as in dayjs.
const TOKENS = /\[([^\]]*)]|YYYY|YY|MMMM|MMM|MM|M|DD|D|dddd|ddd|dd|d|HH|H|hh|h|mm|m|ss|s|SSS|ZZ|Z|A|a|X|x/g;

// Formats `date` in local time with dayjs tokens: YYYY YY MMMM MMM MM M DD D dddd ddd dd d HH H hh h mm m ss s SSS Z ZZ A a X x and [literal].
export function formatLogDate(date: Date, format: string = DEFAULT_LOG_DATE_FORMAT): string {
  return format.replace(TOKENS, (token, literal: string | undefined) => literal ?? formatToken(date, token));
}

function formatToken(date: Date, token: string): string {
  const hours = date.getHours();
  switch (token) {
    case 'YYYY': return String(date.getFullYear()).padStart(4, '0');
    case 'YY': return pad2(date.getFullYear() % 100);
    case 'MMMM': return MONTHS[date.getMonth()] ?? '';
    case 'MMM': return (MONTHS[date.getMonth()] ?? '').slice(0, 3);
    case 'MM': return pad2(date.getMonth() + 1);
    case 'M': return String(date.getMonth() + 1);
    case 'DD': return pad2(date.getDate());
    case 'D': return String(date.getDate());
    case 'dddd': return WEEKDAYS[date.getDay()] ?? '';
    case 'ddd': return (WEEKDAYS[date.getDay()] ?? '').slice(0, 3);
    case 'dd': return (WEEKDAYS[date.getDay()] ?? '').slice(0, 2);
    case 'd': return String(date.getDay());
    case 'HH': return pad2(hours);
    case 'H': return String(hours);
    case 'hh': return pad2(hours % 12 || 12);
    case 'h': return String(hours % 12 || 12);
    case 'mm': return pad2(date.getMinutes());
    case 'm': return String(date.getMinutes());
    case 'ss': return pad2(date.getSeconds());
    case 's': return String(date.getSeconds());
    case 'SSS': return String(date.getMilliseconds()).padStart(3, '0');
    case 'Z': return utcOffset(date, ':');
    case 'ZZ': return utcOffset(date, '');
    case 'A': return hours < 12 ? 'AM' : 'PM';
    case 'a': return hours < 12 ? 'am' : 'pm';
    case 'X': return String(Math.floor(date.getTime() / 1000));
    case 'x': return String(date.getTime());
    default: return token;
  }
}

// The local offset from UTC: '+02:00' (or '+0200' with an empty separator).
function utcOffset(date: Date, separator: string): string {
  const minutesEast = -date.getTimezoneOffset();
  const sign = minutesEast < 0 ? '-' : '+';
  const absolute = Math.abs(minutesEast);
  return `${sign}${pad2(Math.floor(absolute / 60))}${separator}${pad2(absolute % 60)}`;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
