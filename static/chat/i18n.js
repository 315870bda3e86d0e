// Translation and formatting for the web client.
//
// Django's JavaScript catalog (/jsi18n/, loaded before the modules) defines gettext, ngettext
// and interpolate for the active interface language; the stand-ins below keep the page working
// (in English, as written) without it. Every user-visible string is a literal inside gettext()
// or ngettext() so that `makemessages -d djangojs` finds it.

const g = globalThis;
g.gettext ??= (msgid) => msgid;
g.ngettext ??= (singular, plural, count) => (count === 1 ? singular : plural);
g.interpolate ??= (fmt, values, named) =>
  named
    ? fmt.replace(/%\((\w+)\)s/g, (match, key) => String(values[key]))
    : fmt.replace(/%s/g, () => String(values.shift()));

export const gettext = (msgid) => g.gettext(msgid);
export const ngettext = (singular, plural, count) => g.ngettext(singular, plural, count);

/** Fill a translated string's %(name)s placeholders. */
export const format = (translated, values) => g.interpolate(translated, values, true);

/** The interface language: what the server rendered the page in. */
export const locale = () => document.documentElement.lang || navigator.language || "en";

const cache = new Map();
function formatter(kind, options) {
  const key = kind + JSON.stringify(options);
  if (!cache.has(key)) {
    const Ctor = { date: Intl.DateTimeFormat, relative: Intl.RelativeTimeFormat, number: Intl.NumberFormat }[kind];
    try {
      cache.set(key, new Ctor(locale(), options));
    } catch {
      cache.set(key, new Ctor("en", options));
    }
  }
  return cache.get(key);
}

export const parseTime = (iso) => {
  const date = iso ? new Date(iso) : null;
  return date && !Number.isNaN(date.getTime()) ? date : null;
};

export const formatNumber = (n) => formatter("number", {}).format(n);
export const timeOfDay = (date) => formatter("date", { hour: "numeric", minute: "2-digit" }).format(date);
export const fullDate = (date) => formatter("date", { dateStyle: "full", timeStyle: "short" }).format(date);

const startOfDay = (date) => new Date(date.getFullYear(), date.getMonth(), date.getDate());
const daysBetween = (a, b) => Math.round((startOfDay(a) - startOfDay(b)) / 86400000);

/** A day separator's label: Today, Yesterday, a weekday this week, else the date. */
export function dayLabel(date, now = new Date()) {
  const days = daysBetween(now, date);
  if (days === 0) return gettext("Today");
  if (days === 1) return gettext("Yesterday");
  if (days > 1 && days < 7) return formatter("date", { weekday: "long" }).format(date);
  const options = { day: "numeric", month: "long" };
  if (date.getFullYear() !== now.getFullYear()) options.year = "numeric";
  return formatter("date", options).format(date);
}

/** The conversation list's short time: 14:05, Yesterday, Mon, 3 Mar. */
export function shortTime(date, now = new Date()) {
  const days = daysBetween(now, date);
  if (days === 0) return timeOfDay(date);
  if (days === 1) return gettext("Yesterday");
  if (days > 1 && days < 7) return formatter("date", { weekday: "short" }).format(date);
  const options = { day: "numeric", month: "short" };
  if (date.getFullYear() !== now.getFullYear()) options.year = "numeric";
  return formatter("date", options).format(date);
}

/** "5 minutes ago", "yesterday", or a date for anything older than a week. */
export function timeAgo(date, now = new Date()) {
  const seconds = Math.round((now - date) / 1000);
  if (seconds < 60) return gettext("just now");
  const relative = formatter("relative", { numeric: "auto" });
  if (seconds < 3600) return relative.format(-Math.floor(seconds / 60), "minute");
  if (seconds < 86400) return relative.format(-Math.floor(seconds / 3600), "hour");
  const days = daysBetween(now, date);
  if (days < 7) return relative.format(-days, "day");
  return formatter("date", { day: "numeric", month: "long", year: "numeric" }).format(date);
}

/** A member's presence line: "online", "last seen 5 minutes ago", or "" when never seen. */
export function presenceText(member, now = new Date()) {
  if (!member) return "";
  if (member.online) return gettext("online");
  const seen = parseTime(member.last_seen);
  return seen ? format(gettext("last seen %(when)s"), { when: timeAgo(seen, now) }) : "";
}

/** A language's name in the interface language ("es" → "Spanish"), or the code. */
export function languageName(code) {
  if (!code) return "";
  try {
    return new Intl.DisplayNames([locale()], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}
