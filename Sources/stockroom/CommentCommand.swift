import ArgumentParser
import Foundation
import StockroomCore

struct CommentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comment", abstract: "Read, answer and resolve comments, the clients' through share links among them.",
        subcommands: [List.self, Reply.self, Resolve.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List comments, oldest first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only comments on this asset (id).") var asset: Int64?
        @Option(help: "Only the threads started through this share link (token), with every reply in them.") var share: String?
        @Flag(help: "Only comments not resolved yet.") var unresolved = false
        @Flag(help: "Print JSON: an array of comments.") var json = false

        func run() throws {
            let home = try global.openHome()
            let linkId = try share.map { try global.shareService(home).shareLink(token: $0).id! }
            let comments = try global.commentService(home).list(CommentFilter(assetId: asset, shareLinkId: linkId, unresolvedOnly: unresolved))
            if json { return try printJSON(comments) }
            printTable(["ID", "ASSET", "REPLY TO", "BY", "WHERE", "RESOLVED", "WHEN", "TEXT"], comments.map { c in
                [String(c.id!), String(c.assetId), c.parentId.map { String($0) } ?? "",
                 (c.authorName ?? c.authorId) + (c.authorType == Actor.Kind.client.rawValue ? " (client)" : ""),
                 Self.place(c.annotation), c.isResolved ? "yes" : "", c.createdAt.formatted(.iso8601), Self.excerpt(c.content)]
            })
        }

        static func place(_ annotation: Annotation?) -> String {
            switch annotation {
            case let .point(x, y)?: String(format: "point %.3f,%.3f", x, y)
            case let .rect(x, y, w, h)?: String(format: "rect %.3f,%.3f %.3f×%.3f", x, y, w, h)
            case let .timestamp(time)?: String(format: "at %.1f s", time)
            case nil: "whole asset"
            }
        }

        static func excerpt(_ text: String) -> String {
            let line = text.replacingOccurrences(of: "\n", with: " ")
            return line.count > 60 ? String(line.prefix(59)) + "…" : line
        }
    }

    struct Reply: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reply to a comment, in its thread (the client of that link sees it).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The comment's id.") var id: Int64
        @Argument(help: "What to say.") var text: String
        @Flag(help: "Print the new comment as JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            let comment = try global.commentService(home).reply(to: id, content: text, by: .cli)
            if json { return try printJSON(comment) }
            print("Replied to comment \(id) as comment \(comment.id!) on asset \(comment.assetId).")
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a comment resolved.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The comment's id.") var id: Int64
        @Flag(help: "Print the comment as JSON.") var json = false

        func run() throws {
            let home = try global.openHome()
            let comment = try global.commentService(home).resolve(id, by: .cli)
            if json { return try printJSON(comment) }
            print("Comment \(id) is resolved (by \(comment.resolvedBy ?? "?")).")
        }
    }
}
