import Foundation
import Hummingbird
import StockroomCore

/// The client gallery's pages, rendered from plain values. Every piece of catalog text goes
/// through `HTML.escape`; pages load nothing from elsewhere (inline CSS, no scripts needed).
enum GalleryPage {
    static func gallery(_ view: SharedContentView, base: String) -> String {
        let e = HTML.escape
        var tiles = ""
        for asset in view.assets {
            let picture = asset.thumbnailUrl.map { "<img src=\"\(e($0))\" alt=\"\(e(asset.name))\" loading=\"lazy\">" }
                ?? (asset.thumbnailPending ? "<span class=\"placeholder pending\">Being prepared…</span>"
                    : "<span class=\"placeholder\">\(e(asset.mediaKind.uppercased()))</span>")
            let badge = asset.durationSeconds.map { "<span class=\"badge\">\(e(formatDuration($0)))</span>" } ?? ""
            let decision = asset.review.map { GalleryReviewMarkup.badge($0.decision) } ?? ""
            let count = asset.commentCount.flatMap { $0 > 0 ? "<span class=\"count\" title=\"Comments\">\($0)</span>" : nil } ?? ""
            let pick = asset.selectionUrl.map { GalleryReviewMarkup.pickButton(selected: asset.selected ?? false, url: $0) } ?? ""
            tiles += """
            <li class="tile" data-asset-id="\(asset.id)"\(asset.review.map { " data-decision=\"\($0.decision.rawValue)\"" } ?? "")><a href="\(e(asset.detailUrl))">
              <div class="frame">\(picture)\(badge)\(decision)\(count)</div>
              <div class="caption"><span class="name">\(e(asset.name))</span><span class="meta">\(e(shortMeta(asset)))</span></div>
            </a>\(pick)</li>

            """
        }
        let count = view.assetCount == 1 ? "1 item" : "\(view.assetCount) items"
        var actions = ""
        if let all = view.downloadAllUrl {
            let total = view.assets.compactMap(\.byteSize).reduce(0, +)
            actions = "<a class=\"button primary\" href=\"\(e(all))\" download>Download all<small>\(e(formatBytes(total))) · zip</small></a>"
        }
        let empty = view.assets.isEmpty ? "<p class=\"empty\">\(view.filter == nil ? "Nothing to show here yet." : "Nothing here with that decision.")</p>" : ""
        var reviewFacts = ""
        var reviewBar = ""
        if let summary = view.reviewSummary {
            reviewFacts = " · <span id=\"review-summary\">\(e(summary.description))</span>"
            if let selected = view.selectedCount { reviewFacts += " · <span id=\"selected-count\">\(selected)</span> selected" }
            reviewBar = "<div class=\"reviewbar\">\(GalleryReviewMarkup.filters(summary, current: view.filter, total: view.assetCount))\(GalleryReviewMarkup.nameField())</div>"
        }
        let scripts = view.reviewSummary != nil
        return page(title: view.title, scripts: scripts, data: scripts ? ["gallery-base": base] : [:], body: """
        <header class="hero">
          <div class="brand">Stockroom</div>
          <div class="heading">
            <div>
              <h1>\(e(view.title))</h1>
              \(view.description.map { "<p class=\"lede\">\(e($0))</p>" } ?? "")
              <p class="facts">\(e(count))\(view.expiresAt.map { " · available until \(e(formatDate($0)))" } ?? "")\(view.downloadsRemaining.map { " · \($0) download\($0 == 1 ? "" : "s") left" } ?? "")\(view.accessLevel == .view ? (view.proofsOnly ? " · view only: watermarked proofs" : " · view only") : "")\(reviewFacts)</p>
            </div>
            <div class="actions">\(actions)</div>
          </div>
        </header>
        <main>
          \(reviewBar)
          <ul class="grid">
        \(tiles)  </ul>
          \(empty)
        </main>
        """)
    }

    static func detail(_ asset: SharedAssetView, in view: SharedContentView, galleryURL: String, threads: [CommentThread]? = nil) -> String {
        let e = HTML.escape
        let index = view.assets.firstIndex { $0.id == asset.id } ?? 0
        let previous = index > 0 ? view.assets[index - 1].detailUrl : nil
        let next = index + 1 < view.assets.count ? view.assets[index + 1].detailUrl : nil
        var media = "<div class=\"placeholder big\">\(e(asset.mediaKind.uppercased()))</div>"
        if let url = asset.previewUrl {
            let type = asset.previewMimeType ?? ""
            if type.hasPrefix("video/") {
                media = "<video src=\"\(e(url))\" controls preload=\"metadata\"\(asset.thumbnailUrl.map { " poster=\"\(e($0))\"" } ?? "")></video>"
            } else if type.hasPrefix("audio/") {
                // The waveform is the picture; the playhead walks over it and a click seeks.
                let waveform = asset.waveformUrl.map { waveform in
                    "<div class=\"waveform\" id=\"waveform\"><img src=\"\(e(waveform))\" alt=\"Waveform of \(e(asset.name))\" draggable=\"false\"><span class=\"playhead\" id=\"playhead\"></span></div>"
                } ?? asset.thumbnailUrl.map { "<img src=\"\(e($0))\" alt=\"\(e(asset.name))\">" } ?? ""
                media = "<figure class=\"audio-player\">\(waveform)<audio id=\"player\" src=\"\(e(url))\" controls preload=\"metadata\"></audio></figure>"
            } else if let threads {
                // The picture clients point at: markers are placed in percent of it.
                media = """
                <figure class="canvas" id="canvas"><img id="picture" src="\(e(url))" alt="\(e(asset.name))" draggable="false">\(GalleryReviewMarkup.markers(threads))</figure>
                """
            } else {
                media = "<img src=\"\(e(url))\" alt=\"\(e(asset.name))\">"
            }
        }
        if asset.previewPending {
            // The larger picture is still being made: what there is, marked as interim, or a placeholder.
            let interim = asset.previewUrl.map { "<img class=\"interim\" src=\"\(e($0))\" alt=\"\(e(asset.name))\">" } ?? ""
            media = "<figure class=\"pending\">\(interim)<figcaption class=\"placeholder\">The full-size preview is being prepared. Reload in a moment.</figcaption></figure>"
        }
        if let threads, asset.mediaKind == "video" || asset.mediaKind == "audio" {
            media += GalleryReviewMarkup.timeline(threads, duration: asset.durationSeconds)
        }
        var facts: [(String, String)] = []
        if let name = asset.originalFilename { facts.append(("File", name)) }
        if let w = asset.width, let h = asset.height { facts.append(("Dimensions", "\(w) × \(h) px")) }
        if let d = asset.durationSeconds { facts.append(("Duration", formatDuration(d))) }
        if let type = asset.mimeType { facts.append(("Format", type)) }
        if let size = asset.byteSize { facts.append(("Size", formatBytes(size))) }
        if let captured = asset.capturedAt { facts.append(("Captured", formatDate(captured))) }
        if let creator = asset.creator { facts.append(("Creator", creator)) }
        if asset.copyrightHolder != nil || asset.copyrightYear != nil {
            facts.append(("Copyright", "© " + [asset.copyrightYear.map(String.init), asset.copyrightHolder].compactMap { $0 }.joined(separator: " ")))
        }
        if let rights = asset.usageRights { facts.append(("Usage", rights)) }
        let rows = facts.map { fact -> String in "<dt>\(e(fact.0))</dt><dd>\(e(fact.1))</dd>" }.joined(separator: "\n")
        let downloads = asset.downloads.map { d -> String in
            let dims: String = d.width.flatMap { w in d.height.map { h -> String in " · \(w)×\(h)" } } ?? ""
            return "<a class=\"button\(d.kind == "ORIGINAL" ? " primary" : "")\" href=\"\(e(d.url))\" download>\(e(d.label))<small>\(e(d.byteSize.map(formatBytes) ?? ""))\(e(dims))</small></a>"
        }.joined(separator: "\n") + asset.pendingDownloads.map { kind -> String in
            let label = RenditionType(rawValue: kind)?.label ?? kind
            return "<span class=\"button pending\" aria-disabled=\"true\">\(e(label))<small>being prepared</small></span>"
        }.joined(separator: "\n")
        let nav: String = [String?](arrayLiteral:
            previous.map { "<a class=\"nav prev\" href=\"\(e($0))\" aria-label=\"Previous\">‹</a>" },
            next.map { "<a class=\"nav next\" href=\"\(e($0))\" aria-label=\"Next\">›</a>" }
        ).compactMap { $0 }.joined()
        var reviewPanel = ""
        var data: [String: String] = [:]
        if let threads, let review = asset.review {
            reviewPanel = GalleryReviewMarkup.nameField()
                + (asset.selectionUrl.map { GalleryReviewMarkup.pickButton(selected: asset.selected ?? false, url: $0) } ?? "")
                + GalleryReviewMarkup.decision(review)
                + GalleryReviewMarkup.comments(threads, mediaKind: asset.mediaKind, duration: asset.durationSeconds)
            data = ["gallery-base": galleryURL, "asset-base": asset.detailUrl, "media-kind": asset.mediaKind]
            if let duration = asset.durationSeconds { data["duration"] = String(format: "%.3f", duration) }
        }
        // The waveform's playhead needs the script on any link, not only the review ones.
        let playsAudio = media.contains("id=\"waveform\"")
        return page(title: "\(asset.name) · \(view.title)", scripts: threads != nil || playsAudio, data: data, body: """
        <div class="viewer">
          <div class="stage">\(media)\(nav)</div>
          <aside class="panel">
            <a class="back" href="\(e(galleryURL))">← \(e(view.title))</a>
            <h1>\(e(asset.name))</h1>
            <p class="counter">\(index + 1) of \(view.assetCount)</p>
            \(asset.description.map { "<p class=\"lede\">\(e($0))</p>" } ?? "")
            \(asset.note.map { "<p class=\"note\">\(e($0))</p>" } ?? "")
            \(reviewPanel)
            <dl>\(rows)</dl>
            \(downloads.isEmpty ? "" : "<div class=\"downloads\"><h2>Download</h2>\(downloads)</div>")
          </aside>
        </div>
        """)
    }

    static func passwordForm(title: String, action: String, error: String?) -> String {
        let e = HTML.escape
        return page(title: "Protected link", body: """
        <div class="center">
          <form class="card" method="post" action="\(e(action))">
            <div class="brand">Stockroom</div>
            <h1>This link is protected</h1>
            <p class="lede">Enter the password you were given to see the shared files.</p>
            \(error.map { "<p class=\"error\" role=\"alert\">\(e($0))</p>" } ?? "")
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required autofocus>
            <button class="button primary" type="submit">View files</button>
          </form>
        </div>
        """)
    }

    static func errorPage(status: HTTPResponse.Status, message: String) -> String {
        let e = HTML.escape
        let heading = switch status.code {
        case 404: "Link not found"
        case 410: "This link has expired"
        case 403: "Not available"
        case 429: "Please wait"
        default: "Something went wrong"
        }
        return page(title: heading, body: """
        <div class="center"><div class="card">
          <div class="brand">Stockroom</div>
          <h1>\(e(heading))</h1>
          <p class="lede">\(e(message))</p>
          <p class="facts">Ask the person who shared it for a new link.</p>
        </div></div>
        """)
    }

    /// A whole page; `scripts` adds the gallery script, `data` attributes on `<body>` for it.
    private static func page(title: String, scripts: Bool = false, data: [String: String] = [:], body: String) -> String {
        let attributes = data.sorted { $0.key < $1.key }.map { " data-\($0.key)=\"\(HTML.escape($0.value))\"" }.joined()
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex, nofollow">
        <meta name="referrer" content="no-referrer">
        <title>\(HTML.escape(title))</title>
        <style>\(css)\(scripts ? GalleryReviewMarkup.css : "")</style>
        </head>
        <body\(attributes)>
        \(body)
        \(scripts ? "<script src=\"\(GalleryScript.path)\" defer></script>" : "")
        </body>
        </html>
        """
    }

    static func shortMeta(_ asset: SharedAssetView) -> String {
        var parts: [String] = []
        if let w = asset.width, let h = asset.height { parts.append("\(w)×\(h)") }
        if let d = asset.durationSeconds { parts.append(formatDuration(d)) }
        if let size = asset.byteSize { parts.append(formatBytes(size)) }
        return parts.isEmpty ? asset.mediaKind : parts.joined(separator: " · ")
    }

    static func formatBytes(_ bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(bytes), unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: value < 10 ? "%.1f " : "%.0f ", value) + units[unit]
    }

    static func formatDuration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let h = total / 3600, m = (total % 3600) / 60, s = total % 60
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }

    static func formatDate(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "d MMM yyyy"
        return f.string(from: date)
    }

    private static let css = """
    :root{--bg:#f6f5f2;--ink:#1d1d1f;--muted:#6e6e73;--line:#e3e1dc;--card:#fff;--accent:#1f5eff;--accent-ink:#fff}
    @media (prefers-color-scheme:dark){:root{--bg:#141416;--ink:#f2f2f4;--muted:#9a9aa1;--line:#2a2a2e;--card:#1c1c1f;--accent:#5b8cff}}
    *{box-sizing:border-box}html,body{margin:0}
    body{font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;background:var(--bg);color:var(--ink)}
    a{color:inherit;text-decoration:none}
    .brand{font-size:12px;font-weight:700;letter-spacing:.14em;text-transform:uppercase;color:var(--muted)}
    .hero{padding:40px clamp(16px,5vw,64px) 24px;border-bottom:1px solid var(--line);background:var(--card)}
    .heading{display:flex;gap:24px;align-items:flex-end;justify-content:space-between;flex-wrap:wrap;margin-top:12px}
    h1{font-size:clamp(24px,3.2vw,36px);line-height:1.15;margin:0 0 8px;letter-spacing:-.01em}
    .lede{color:var(--muted);margin:0 0 8px;max-width:70ch}
    .facts{color:var(--muted);font-size:13px;margin:0}
    main{padding:28px clamp(16px,5vw,64px) 64px}
    .grid{list-style:none;margin:0;padding:0;display:grid;gap:20px;grid-template-columns:repeat(auto-fill,minmax(220px,1fr))}
    .tile a{display:block;border-radius:12px;overflow:hidden;background:var(--card);border:1px solid var(--line);transition:transform .15s ease,box-shadow .15s ease}
    .tile a:hover,.tile a:focus-visible{transform:translateY(-2px);box-shadow:0 10px 30px rgba(0,0,0,.10)}
    .frame{position:relative;aspect-ratio:4/3;background:#e9e7e2;display:flex;align-items:center;justify-content:center}
    .frame img{width:100%;height:100%;object-fit:cover;display:block}
    .badge{position:absolute;right:8px;bottom:8px;background:rgba(0,0,0,.7);color:#fff;font-size:12px;padding:2px 7px;border-radius:6px}
    .placeholder{font-size:12px;font-weight:700;letter-spacing:.12em;color:var(--muted)}
    .placeholder.big{font-size:18px;padding:120px 0}
    .placeholder.pending{letter-spacing:.02em;font-weight:600}
    .stage figure.pending{margin:0;display:flex;flex-direction:column;align-items:center;gap:12px}
    .stage figure.pending img.interim{filter:blur(1px);opacity:.85}
    .stage figure.pending figcaption{color:#bbb}
    .button.pending{opacity:.55;cursor:default}
    .caption{padding:10px 12px 12px;display:flex;flex-direction:column;gap:2px}
    .name{font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
    .meta{font-size:12px;color:var(--muted)}
    .button{display:inline-flex;flex-direction:column;align-items:flex-start;gap:1px;padding:10px 16px;border-radius:10px;border:1px solid var(--line);background:var(--card);font-weight:600;cursor:pointer;font-size:14px}
    .button small{font-weight:400;font-size:12px;color:var(--muted)}
    .button.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-ink)}
    .button.primary small{color:rgba(255,255,255,.8)}
    .empty{color:var(--muted)}
    .viewer{display:grid;grid-template-columns:minmax(0,1fr) 360px;min-height:100vh}
    .stage{position:sticky;top:0;height:100vh;background:#0e0e10;display:flex;align-items:center;justify-content:center;padding:24px}
    .stage img,.stage video{max-width:100%;max-height:calc(100vh - 48px);object-fit:contain;border-radius:4px}
    .audio-player{margin:0;width:80%;display:flex;flex-direction:column;gap:10px}
    .stage .audio-player audio{width:100%}
    .waveform{position:relative;cursor:pointer;line-height:0}
    .waveform img{width:100%;height:auto;max-height:none;border-radius:4px}
    .playhead{position:absolute;top:0;bottom:0;left:0;width:2px;background:#ff5a36;pointer-events:none}
    .stage audio{width:80%}
    .nav{position:absolute;top:50%;transform:translateY(-50%);width:44px;height:44px;border-radius:50%;background:rgba(255,255,255,.14);color:#fff;font-size:28px;display:flex;align-items:center;justify-content:center}
    .nav:hover{background:rgba(255,255,255,.28)}.prev{left:16px}.next{right:16px}
    .panel{padding:28px;background:var(--card);border-left:1px solid var(--line);overflow:auto}
    .back{font-size:13px;color:var(--muted);display:inline-block;margin-bottom:18px}
    .counter{font-size:12px;color:var(--muted);margin:0 0 12px}
    .note{background:var(--bg);border-left:3px solid var(--accent);padding:8px 12px;border-radius:4px}
    dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px;margin:18px 0;font-size:14px}
    dt{color:var(--muted)}dd{margin:0;word-break:break-word}
    .downloads h2{font-size:13px;text-transform:uppercase;letter-spacing:.1em;color:var(--muted);margin:24px 0 10px}
    .downloads{display:flex;flex-direction:column;gap:8px}.downloads h2{margin-bottom:2px}
    .center{min-height:100vh;display:flex;align-items:center;justify-content:center;padding:24px}
    .card{background:var(--card);border:1px solid var(--line);border-radius:16px;padding:32px;max-width:420px;width:100%;box-shadow:0 20px 60px rgba(0,0,0,.08)}
    .card h1{font-size:24px;margin-top:10px}
    label{display:block;font-size:13px;font-weight:600;margin:16px 0 6px}
    input[type=password]{width:100%;padding:11px 12px;border-radius:10px;border:1px solid var(--line);background:var(--bg);color:var(--ink);font-size:15px}
    form .button{margin-top:16px;width:100%;align-items:center}
    .error{color:#c62828;font-weight:600}
    @media (max-width:860px){.viewer{grid-template-columns:1fr}.stage{position:relative;height:auto;min-height:60vh}.panel{border-left:0;border-top:1px solid var(--line)}}
    """
}
