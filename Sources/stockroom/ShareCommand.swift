import ArgumentParser
import Foundation
import StockroomCore

struct ShareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "share", abstract: "Share a collection or an asset with a link, and follow its use.",
        subcommands: [Create.self, List.self, Revoke.self, Log.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a share link; prints its URL and token.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Share this collection (slug).") var collection: String?
        @Option(help: "Share this single asset (id).") var asset: Int64?
        @Option(help: "Expiry: a duration (30m, 12h, 7d, 2w) or a date (2026-12-31).") var expires: String?
        @Option(help: "Require this password (stored as a bcrypt hash).") var password: String?
        @Flag(name: .customLong("no-download"), help: "Let the client view but not download.") var noDownload = false
        @Option(name: .customLong("max-downloads"), help: "Stop downloads after this many.") var maxDownloads: Int?
        @Option(help: "Who the link is for (email), for your records and the log.") var recipient: String?
        @Option(help: "view (watermarked proofs), download, comment (comments and approve/reject) or edit (also a selection); default download.")
        var access: ShareAccessLevel = .download
        @Flag(name: .customLong("include-pending"),
              help: "In libraries that require approval, also show assets still PENDING (for sending work out for approval).")
        var includePending = false
        @Flag(help: "If an active link for the same target and access (no password, no expiry, no cap) exists, print it instead of making another.")
        var reuse = false
        @Option(name: .customLong("base-url"), help: "Public base URL of the server (default: $STOCKROOM_BASE_URL, else http://127.0.0.1:8080).")
        var baseURL: String?
        @Flag(help: "Print the link as JSON.") var json = false

        func validate() throws {
            guard (collection == nil) != (asset == nil) else { throw ValidationError("Give exactly one of --collection SLUG and --asset ID.") }
        }

        func run() throws {
            let home = try global.openHome()
            let target: ShareRequest.Target = collection.map { .collection(slug: $0) } ?? .asset(id: asset!)
            let request = ShareRequest(target: target, expiresAt: try expires.map { text throws(DomainError) in try ShareExpiry.parse(text) },
                                       password: password, allowDownload: !noDownload, maxDownloads: maxDownloads,
                                       recipientEmail: recipient, accessLevel: access, includePending: includePending)
            let service = global.shareService(home)
            if reuse, let existing = try Self.reusable(request, service: service, home: home) {
                return try printLink(existing, service: service)
            }
            let link = try service.createShare(request, by: .cli)
            try printLink(link.token, service: service)
        }

        /// An active link with the same terms and nothing that makes it personal or perishable.
        static func reusable(_ request: ShareRequest, service: ShareService, home: DataHome) throws -> String? {
            guard request.password == nil, request.expiresAt == nil, request.maxDownloads == nil, request.recipientEmail == nil else { return nil }
            let collectionId: Int64? = switch request.target {
            case let .collection(slug): try home.catalog.collection(slug: slug, organizationId: Organization.defaultId)?.id
            case .asset: nil
            }
            let assetId: Int64? = if case let .asset(id) = request.target { id } else { nil }
            return try service.allShares().first { s in
                s.state == .active && !s.hasPassword && s.expiresAt == nil && s.maxDownloads == nil && s.recipientEmail == nil
                    && s.accessLevel == request.accessLevel && s.allowDownload == (request.allowDownload && request.accessLevel != .view)
                    && s.includePending == request.includePending
                    && (collectionId != nil ? s.collectionId == collectionId : s.assetId == assetId)
            }?.token
        }

        func printLink(_ token: String, service: ShareService) throws {
            let link = try service.shareLink(token: token)
            let url = "\(Self.baseURL(baseURL))/s/\(link.token)"
            if json {
                struct Created: Encodable { var share: ShareLinkSummary; var url: String }
                return try printJSON(Created(share: try service.summary(token: link.token), url: url))
            }
            print(url)
            print("token: \(link.token)")
        }

        static func baseURL(_ explicit: String?) -> String {
            let base = explicit ?? ProcessInfo.processInfo.environment["STOCKROOM_BASE_URL"] ?? "http://127.0.0.1:8080"
            return base.hasSuffix("/") ? String(base.dropLast()) : base
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List share links with their state and counters.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            let all = try global.shareService(home).allShares()
            if json { return try printJSON(all) }
            printTable(["TOKEN", "TARGET", "STATE", "ACCESS", "VIEWS", "DOWNLOADS", "EXPIRES", "RECIPIENT"],
                       all.map { s in
                           [s.token, s.target, s.state.rawValue, s.accessLevel.rawValue + (s.hasPassword ? "+pw" : ""),
                            String(s.accessCount), s.maxDownloads.map { "\(s.downloadCount)/\($0)" } ?? String(s.downloadCount),
                            s.expiresAt.map { $0.formatted(.iso8601) } ?? "never", s.recipientEmail ?? ""]
                       })
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a share link: it answers 404 from now on.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The link's token.") var token: String

        func run() throws {
            let home = try global.openHome()
            _ = try global.shareService(home).revoke(token: token, by: .cli)
            print("Revoked \(token).")
        }
    }

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every view and download of a link: time, asset, file, IP, user agent.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The link's token.") var token: String
        @Flag(help: "Print JSON.") var json = false
        @Flag(help: "Print CSV.") var csv = false

        func validate() throws {
            if json && csv { throw ValidationError("Choose one of --json and --csv.") }
        }

        func run() throws {
            let home = try global.openHome()
            let events = try global.shareService(home).accessLog(token: token)
            if json { return try printJSON(events) }
            let rows = events.map { e in
                [e.occurredAt.formatted(.iso8601), e.event.rawValue, e.assetId.map(String.init) ?? "", e.renditionType ?? "",
                 e.ipAddress ?? "", e.userAgent ?? ""]
            }
            if csv {
                print("time,event,assetId,file,ip,userAgent")
                for row in rows { print(row.map(Self.csvField).joined(separator: ",")) }
                return
            }
            printTable(["TIME", "EVENT", "ASSET", "FILE", "IP", "USER AGENT"], rows)
        }

        static func csvField(_ text: String) -> String {
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}

extension ShareAccessLevel: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}
