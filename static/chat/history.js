// A conversation's history over the client API: the latest page when it opens, older pages
// when the reader scrolls to the top, all of it again when its reading setting changes.

import { ApiError } from "./api.js";
import { describeError } from "./errors.js";
import { format, gettext } from "./i18n.js";

const PAGE = 50;

export class History {
  /** ctx: {api, store, pane, receipts, invalidate, active(), scroller} */
  constructor(ctx) {
    this.ctx = ctx;
    this.refreshing = new Map(); // conversation id → timer
  }

  busy(on) {
    if (on) this.ctx.scroller.setAttribute("aria-busy", "true");
    else this.ctx.scroller.removeAttribute("aria-busy");
  }

  /** Merge a page (oldest first); my unnumbered messages sit after the number before them. */
  apply(conv, page) {
    const numbered = page.messages.filter((m) => m.seq != null).map((m) => m.seq);
    let anchor = numbered.length ? Math.min(...numbered) - 1 : (conv.history.oldest ?? conv.seenSeq);
    for (const payload of page.messages) {
      if (payload.seq != null) anchor = payload.seq;
      this.ctx.store.receive(conv, payload, { anchor });
    }
    const oldest = numbered.length ? Math.min(...numbered) : null;
    const progressed = oldest != null && (conv.history.oldest == null || oldest < conv.history.oldest);
    if (progressed) conv.history.oldest = oldest;
    conv.history.more = Boolean(page.more) && progressed;
  }

  async latest(conv) {
    const { api, store, pane, receipts, invalidate } = this.ctx;
    const history = conv.history;
    if (history.loading) return;
    history.loading = true;
    this.busy(true);
    try {
      this.apply(conv, await api.messages(conv.id, undefined, PAGE));
      history.loaded = true;
      history.failed = false;
      store.saveOutbox();
    } catch (error) {
      history.failed = true;
      if (!(error instanceof ApiError && error.status === 401)) {
        pane.showError(format(gettext("The messages could not be loaded: %(why)s"), { why: describeError(error).text }));
      }
    } finally {
      history.loading = false;
      this.busy(false);
    }
    conv.followNext = true;
    invalidate(conv, { list: true });
    receipts.read(conv);
    setTimeout(() => this.fill(conv), 0);
  }

  async older(conv) {
    const { api, pane, invalidate } = this.ctx;
    const history = conv.history;
    if (history.loading || !history.more || history.oldest == null) return;
    history.loading = true;
    this.busy(true);
    try {
      this.apply(conv, await api.messages(conv.id, history.oldest, PAGE));
    } catch (error) {
      pane.showError(format(gettext("Earlier messages could not be loaded: %(why)s"), { why: describeError(error).text }));
      history.more = false;
      setTimeout(() => {
        history.more = true; // scrolling up again tries again
      }, 10000);
    } finally {
      history.loading = false;
      this.busy(false);
    }
    invalidate(conv);
    setTimeout(() => this.fill(conv), 0);
  }

  /** Until the messages fill the pane there is nothing to scroll: load older pages at once. */
  fill(conv) {
    const scroller = this.ctx.scroller;
    if (conv === this.ctx.active() && conv.history.more && scroller.scrollHeight <= scroller.clientHeight + 10) {
      this.older(conv);
    }
  }

  /** Read the conversation again from the latest page (its reading setting changed). */
  reload(conv) {
    for (const [key, item] of conv.items) {
      const unsettled = item.own && (item.local || item.status !== "delivered");
      if (!unsettled) {
        conv.items.delete(key);
        if (item.id != null) conv.byId.delete(item.id);
      }
    }
    conv.history = { loaded: false, loading: false, more: true, oldest: null, failed: false };
    if (conv.view) conv.view.atBottom = true;
    if (conv === this.ctx.active()) this.latest(conv);
    this.ctx.invalidate(conv, { list: true });
  }

  /** Fetch the conversation's summary again (unread count after another device read it). */
  refresh(conv) {
    if (this.refreshing.has(conv.id)) return;
    const timer = setTimeout(async () => {
      this.refreshing.delete(conv.id);
      try {
        conv.update(await this.ctx.api.conversation(conv.id));
        this.ctx.invalidate(null, { list: true, header: true });
      } catch {
        // The next frame or a reload tells.
      }
    }, 500);
    this.refreshing.set(conv.id, timer);
  }
}
