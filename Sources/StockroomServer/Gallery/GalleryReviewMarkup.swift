import Foundation
import StockroomCore

/// The review parts of gallery pages on COMMENT and EDIT links: decision badges, the summary and
/// filter, markers on the picture, the comment threads, and the forms the gallery script
/// (`GalleryScript`) drives. Every piece of text a client or staff typed goes through
/// `HTML.escape`; coordinates are numbers the server formats itself.
enum GalleryReviewMarkup {
    static func label(_ decision: ReviewDecision) -> String {
        switch decision {
        case .approved: "Approved"
        case .rejected: "Rejected"
        case .open: "Open"
        }
    }

    static func badge(_ decision: ReviewDecision, id: String? = nil) -> String {
        let idAttribute = id.map { " id=\"\($0)\"" } ?? ""
        return "<span\(idAttribute) class=\"decision \(decision.rawValue.lowercased())\" data-decision=\"\(decision.rawValue)\">\(label(decision))</span>"
    }

    /// "All 20 · Approved 12 · Rejected 3 · Open 5" as links to `?review=…`.
    static func filters(_ summary: ReviewSummary, current: ReviewDecision?, total: Int) -> String {
        let options: [(String, String, Int, Bool)] = [
            ("All", "?", total, current == nil),
            ("Approved", "?review=approved", summary.approved, current == .approved),
            ("Rejected", "?review=rejected", summary.rejected, current == .rejected),
            ("Open", "?review=open", summary.open, current == .open),
        ]
        let links = options.map { label, href, count, on in
            "<a href=\"\(href)\"\(on ? " class=\"on\" aria-current=\"true\"" : "")>\(label) <span>\(count)</span></a>"
        }.joined()
        return "<nav class=\"filters\" aria-label=\"Filter by decision\">\(links)</nav>"
    }

    /// The name field every review page has: the script keeps the name in local storage and
    /// sends it with each comment, decision and pick.
    static func nameField() -> String {
        """
        <label class="reviewer">Reviewing as <input id="author-name" name="authorName" maxlength="\(CommentRules.maxNameCharacters)" autocomplete="name" placeholder="Your name"></label>
        """
    }

    static func pickButton(selected: Bool, url: String) -> String {
        "<button type=\"button\" class=\"pick\" data-selection-url=\"\(HTML.escape(url))\" aria-pressed=\"\(selected)\">\(selected ? "Selected" : "Select")</button>"
    }

    /// Numbers comments in reading order (threads depth-first), for the list and the markers.
    static func numbered(_ threads: [CommentThread]) -> [(number: Int, comment: Comment, depth: Int)] {
        var out: [(Int, Comment, Int)] = []
        func walk(_ thread: CommentThread, depth: Int) {
            out.append((out.count + 1, thread.comment, depth))
            for reply in thread.replies { walk(reply, depth: depth + 1) }
        }
        for thread in threads { walk(thread, depth: 0) }
        return out
    }

    /// Markers for points and rectangles, positioned in percent of the picture.
    static func markers(_ threads: [CommentThread]) -> String {
        var html = ""
        for (number, comment, _) in numbered(threads) {
            guard let annotation = comment.annotation, let id = comment.id else { continue }
            switch annotation {
            case let .point(x, y):
                html += "<a class=\"marker point\" href=\"#comment-\(id)\" style=\"left:\(percent(x));top:\(percent(y))\" data-comment=\"\(id)\">\(number)</a>"
            case let .rect(x, y, w, h):
                html += "<a class=\"marker rect\" href=\"#comment-\(id)\" style=\"left:\(percent(x));top:\(percent(y));width:\(percent(w));height:\(percent(h))\" data-comment=\"\(id)\"><span>\(number)</span></a>"
            case .timestamp:
                continue
            }
        }
        return html
    }

    /// Ticks on a bar for comments at a moment of a video or audio file.
    static func timeline(_ threads: [CommentThread], duration: Double?) -> String {
        guard let duration, duration > 0 else { return "" }
        var ticks = ""
        for (number, comment, _) in numbered(threads) {
            guard case let .timestamp(time)? = comment.annotation, let id = comment.id else { continue }
            ticks += "<a class=\"tick\" href=\"#comment-\(id)\" style=\"left:\(percent(min(1, time / duration)))\" title=\"\(GalleryPage.formatDuration(time))\" data-time=\"\(String(format: "%.3f", time))\">\(number)</a>"
        }
        return "<div class=\"timeline\" aria-label=\"Comments on the timeline\">\(ticks)</div>"
    }

    static func percent(_ fraction: Double) -> String {
        String(format: "%.3f%%", max(0, min(1, fraction)) * 100)
    }

    /// The decision block of the asset view.
    static func decision(_ review: ReviewStateView) -> String {
        let e = HTML.escape
        let by = review.authorName.map { name in
            "by \(e(name))\(review.decidedAt.map { " on \(e(GalleryPage.formatDate($0)))" } ?? "")"
        } ?? ""
        return """
        <section class="review" aria-labelledby="decision-heading">
          <h2 id="decision-heading">Decision</h2>
          <p class="state">\(badge(review.decision, id: "decision-badge")) <span id="decision-by" class="meta">\(by)</span></p>
          \(review.note.map { "<p class=\"note\" id=\"decision-note-shown\">\(e($0))</p>" } ?? "")
          <textarea id="decision-note" maxlength="\(CommentRules.maxNoteCharacters)" rows="2" placeholder="A note with your decision (optional)"></textarea>
          <div class="decide">
            <button type="button" class="button approve" data-decide="approved">Approve</button>
            <button type="button" class="button reject" data-decide="rejected">Reject</button>
            <button type="button" class="button" data-decide="open">Clear</button>
          </div>
          <p class="error" id="decision-error" role="alert"></p>
        </section>
        """
    }

    /// The threads and the comment form of the asset view.
    static func comments(_ threads: [CommentThread], mediaKind: String, duration: Double?) -> String {
        let e = HTML.escape
        let items = numbered(threads)
        var list = ""
        for (number, comment, depth) in items {
            guard let id = comment.id else { continue }
            let who = comment.authorName ?? comment.authorId
            let staff = comment.authorType != Actor.Kind.client.rawValue
            var place = ""
            switch comment.annotation {
            case .point?: place = "<span class=\"where\">pinned</span>"
            case .rect?: place = "<span class=\"where\">area</span>"
            case let .timestamp(time)?: place = "<span class=\"where\">at \(e(GalleryPage.formatDuration(time)))</span>"
            case nil: break
            }
            list += """
            <li class="comment depth-\(min(depth, 4))\(comment.isResolved ? " resolved" : "")" id="comment-\(id)">
              <div class="head"><span class="num">\(number)</span><strong>\(e(who))</strong>\(staff ? "<span class=\"staff\">team</span>" : "")\(place)<time datetime="\(e(comment.createdAt.formatted(.iso8601)))">\(e(GalleryPage.formatDate(comment.createdAt)))</time>\(comment.isResolved ? "<span class=\"resolved-mark\">resolved</span>" : "")</div>
              <p class="text">\(e(comment.content))</p>
              <button type="button" class="reply" data-reply-to="\(id)" data-reply-number="\(number)">Reply</button>
            </li>

            """
        }
        let timed = mediaKind == "video" || mediaKind == "audio"
        let timeField = timed && (duration ?? 0) > 0 ? """
            <label class="at-time"><input type="checkbox" id="at-time-on"> At <input id="at-time" type="number" min="0" max="\(String(format: "%.3f", duration ?? 0))" step="0.1" value="0"> s (the player's current time when it plays)</label>
            """ : ""
        let pinHelp = mediaKind == "audio" ? "" : "<p class=\"meta\" id=\"pin-state\">Click the picture to pin your comment to a spot, or drag to mark an area. Without a pin it is about the whole file.</p><button type=\"button\" class=\"link\" id=\"pin-clear\" hidden>Remove the pin</button>"
        return """
        <section class="comments" aria-labelledby="comments-heading">
          <h2 id="comments-heading">Comments <span>\(items.count)</span></h2>
          \(items.isEmpty ? "<p class=\"meta\">No comments yet.</p>" : "<ol class=\"threads\">\n\(list)</ol>")
          <form id="comment-form" class="comment-form" novalidate>
            <p class="meta" id="reply-state" hidden>Replying to <span id="reply-number"></span> <button type="button" class="link" id="reply-cancel">cancel</button></p>
            \(pinHelp)
            \(timeField)
            <label for="comment-text">Your comment</label>
            <textarea id="comment-text" maxlength="\(CommentRules.maxContentCharacters)" rows="3" required></textarea>
            <button class="button primary" type="submit" id="comment-submit">Comment</button>
            <p class="error" id="comment-error" role="alert"></p>
            <noscript><p class="meta">Commenting needs JavaScript.</p></noscript>
          </form>
        </section>
        """
    }

    static let css = """
    .decision{display:inline-block;font-size:11px;font-weight:700;letter-spacing:.06em;text-transform:uppercase;padding:2px 8px;border-radius:999px;background:#e9e7e2;color:#555}
    .decision.approved{background:#1e8e3e;color:#fff}.decision.rejected{background:#c62828;color:#fff}
    .tile{position:relative}.tile .decision{position:absolute;left:8px;top:8px;z-index:1}
    .tile .count{position:absolute;right:8px;top:8px;background:rgba(0,0,0,.7);color:#fff;font-size:12px;padding:1px 7px;border-radius:999px}
    .pick{position:absolute;right:10px;bottom:54px;border:1px solid var(--line);background:var(--card);border-radius:999px;padding:3px 10px;font-size:12px;cursor:pointer}
    .pick[aria-pressed=true]{background:var(--accent);border-color:var(--accent);color:var(--accent-ink)}
    .panel .pick{position:static;margin:8px 0}
    .reviewbar{display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap;margin:0 0 18px}.reviewbar .filters{margin:0}
    .panel .reviewer{margin:0 0 8px}
    .filters{display:flex;gap:6px;flex-wrap:wrap;margin:0 0 18px}.filters a{padding:5px 12px;border-radius:999px;border:1px solid var(--line);background:var(--card);font-size:13px}
    .filters a.on{background:var(--ink);color:var(--bg);border-color:var(--ink)}.filters a span{color:var(--muted)}.filters a.on span{color:inherit;opacity:.7}
    .reviewer{display:inline-flex;gap:8px;align-items:center;font-size:13px;font-weight:600;margin:0}.reviewer input,.comment-form textarea,.review textarea,.at-time input{padding:8px 10px;border-radius:8px;border:1px solid var(--line);background:var(--bg);color:var(--ink);font:inherit}
    .canvas{position:relative;display:inline-block;line-height:0;margin:0;cursor:crosshair;user-select:none}
    .canvas img{max-width:100%;max-height:calc(100vh - 48px);display:block;border-radius:4px}
    .marker{position:absolute;font:700 12px/1 -apple-system,sans-serif;color:#fff;text-decoration:none}
    .marker.point{width:24px;height:24px;margin:-12px 0 0 -12px;border-radius:50%;background:#ff3b30;border:2px solid #fff;display:flex;align-items:center;justify-content:center;box-shadow:0 1px 4px rgba(0,0,0,.5)}
    .marker.rect{border:2px solid #ff3b30;box-shadow:0 0 0 1px rgba(255,255,255,.8)}.marker.rect span{position:absolute;left:-2px;top:-20px;background:#ff3b30;padding:3px 6px;border-radius:4px}
    .marker.pending{background:#1f5eff}.marker.rect.pending{background:rgba(31,94,255,.15);border-color:#1f5eff}
    .timeline{position:relative;height:22px;margin:10px 0 0;background:rgba(255,255,255,.12);border-radius:4px;width:80%}
    .tick{position:absolute;top:2px;width:18px;height:18px;margin-left:-9px;border-radius:50%;background:#ff3b30;color:#fff;font-size:11px;display:flex;align-items:center;justify-content:center;text-decoration:none}
    .stage{flex-direction:column}
    .review,.comments{border-top:1px solid var(--line);margin-top:18px;padding-top:14px}
    .review h2,.comments h2{font-size:13px;text-transform:uppercase;letter-spacing:.1em;color:var(--muted);margin:0 0 10px}
    .review textarea,.comment-form textarea{width:100%;margin:8px 0}
    .decide{display:flex;gap:8px}.decide .button{align-items:center;flex:1}.button.approve{color:#1e8e3e}.button.reject{color:#c62828}
    .threads{list-style:none;margin:0 0 12px;padding:0;display:flex;flex-direction:column;gap:10px}
    .comment{background:var(--bg);border-radius:8px;padding:8px 10px}.comment .head{display:flex;gap:8px;align-items:center;font-size:13px;flex-wrap:wrap}
    .comment .num{background:#ff3b30;color:#fff;border-radius:50%;width:20px;height:20px;font-size:11px;display:inline-flex;align-items:center;justify-content:center}
    .comment time,.comment .where{color:var(--muted);font-size:12px}.comment .staff{font-size:11px;background:var(--accent);color:var(--accent-ink);padding:0 6px;border-radius:4px}
    .comment .text{margin:4px 0;white-space:pre-wrap;word-break:break-word}.comment.resolved{opacity:.6}
    .depth-1{margin-left:16px}.depth-2{margin-left:32px}.depth-3,.depth-4{margin-left:48px}
    .reply,.link{background:none;border:0;color:var(--accent);cursor:pointer;padding:0;font-size:12px}
    .comment-form label{margin-top:8px}.at-time{display:flex;gap:6px;align-items:center;font-weight:400}.at-time input[type=number]{width:90px}
    """
}
