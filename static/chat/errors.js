// Human words for every error code of docs/protocol.md's table (and the client API's), and for
// the reasons a message is blocked or held. Nothing raw reaches the screen.

import { format, gettext, timeOfDay, parseTime } from "./i18n.js";

/** Seconds until a rate limit lifts (from `retry_after`, else the detail's number, else 10). */
export function retryAfterSeconds(error) {
  const given = Number(error.retry_after);
  if (Number.isFinite(given) && given > 0) return Math.ceil(given);
  const match = /(\d+)\s*s\b/.exec(error.detail || "");
  return match ? Number(match[1]) : 10;
}

/** When a mute ends (from `until`, else an ISO time in the detail), or null. */
export function mutedUntil(error) {
  const given = parseTime(error.until);
  if (given) return given;
  const match = /\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)?/.exec(error.detail || "");
  return match ? parseTime(match[0]) : null;
}

/**
 * What to tell the user about an error, and whether trying again can work:
 * {text, retry: "now" | "later" | false, retryAt: ms or null}.
 */
export function describeError(error, { maxChars } = {}) {
  const code = error.code || "internal_error";
  switch (code) {
    case "rate_limited": {
      const seconds = retryAfterSeconds(error);
      return {
        text: format(gettext("You are sending messages too fast. You can send again in %(seconds)s s."), { seconds }),
        retry: "later",
        retryAt: Date.now() + seconds * 1000,
      };
    }
    case "muted": {
      const until = mutedUntil(error);
      return {
        text: until
          ? format(gettext("You are muted until %(time)s and cannot send messages until then."), { time: mutedTime(until) })
          : gettext("You are muted for now and cannot send messages."),
        // Sending again can only work once the mute is over: the composer waits until then;
        // the failed bubble offers no Retry (Discard, or send it again later).
        retry: false,
        retryAt: until ? until.getTime() : null,
      };
    }
    case "banned":
      return { text: gettext("Your account is banned: you can no longer send messages."), retry: false };
    case "message_too_long":
      return {
        text: format(gettext("This message is longer than %(limit)s characters. Shorten it and send it again."), {
          limit: error.limit || maxChars,
        }),
        retry: false,
      };
    case "empty_message":
      return { text: gettext("The message is empty."), retry: false };
    case "frame_too_large":
      return { text: gettext("This message is too large to send."), retry: false };
    case "conversation_closed":
      return { text: gettext("This conversation is closed: nobody can send messages in it any more."), retry: false };
    case "blocked":
      return { text: gettext("You cannot send messages to this person: one of you blocked the other."), retry: false };
    case "not_a_member":
      return { text: gettext("You are not in this conversation (any more)."), retry: false };
    case "client_id_reused":
      return { text: gettext("This message clashed with another one; sending it again will work."), retry: "now" };
    case "not_subscribed":
      return { text: gettext("The connection was not ready yet. Try again."), retry: "now" };
    case "unsupported_language":
      return { text: gettext("That language is not available."), retry: false };
    case "not_found":
      return { text: gettext("That message or person could not be found."), retry: false };
    case "not_your_message":
      return { text: gettext("You can only change your own delivered messages."), retry: false };
    case "edit_window_closed":
      return { text: gettext("This message is too old to edit."), retry: false };
    case "message_deleted":
      return { text: gettext("This message was deleted and cannot be edited."), retry: false };
    case "unchanged":
      return { text: gettext("The message already says that."), retry: false };
    case "directory_off":
      return { text: gettext("Starting new chats is not available here."), retry: false };
    case "bad_json":
    case "invalid_frame":
    case "unknown_type":
    case "invalid_field":
    case "invalid_request":
      return { text: gettext("The server did not understand this page's request. Reload the page and try again."), retry: false };
    case "internal_error":
      return { text: gettext("The server had a problem. Try again."), retry: "now" };
    case "network":
    case "offline":
      return { text: gettext("No connection to the server. It will be sent when the connection is back."), retry: "now" };
    case "unauthorized":
    case "login_required":
      return { text: gettext("You are signed out."), retry: false };
    case "forbidden":
      return { text: gettext("You are not allowed to do that."), retry: false };
    default:
      return { text: format(gettext("Something went wrong (%(code)s). Try again later."), { code }), retry: false };
  }
}

function mutedTime(date) {
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  if (sameDay) return timeOfDay(date);
  return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  }).format(date);
}

/** Why a message was blocked or held, in words. */
export function reasonText(reason) {
  switch (reason) {
    case "crypto_wallet":
      return gettext("it contains a crypto wallet address");
    case "iban":
    case "bic":
      return gettext("it contains bank account details");
    case "payment_request":
      return gettext("it asks for money");
    case "scam_score":
      return gettext("it looks like a scam");
    case "contact_sharing":
    case "email":
    case "phone":
    case "messenger_handle":
      return gettext("it shares contact details");
    case "link":
    case "url":
      return gettext("it contains a link");
    case "repeat_offender":
      return gettext("too many of your messages were blocked");
    default:
      return gettext("it breaks the community rules");
  }
}
