import ArgumentParser
import Foundation
import StockroomCore

struct ActivityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activity", abstract: "Read the activity log: every change, who made it and when (newest first).",
        discussion: """
        --since takes the query language's dates: a duration back from now (12h, 7d, 2w, 1y), a day \
        (2026-01-31, from its start in UTC) or an instant (2026-01-31T08:00:00Z). --entity is \
        asset:ID, collection:SLUG, share:TOKEN (the link and everything its client did), \
        library:SLUG, or TYPE:ID as logged.
        """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only entries from this time on: 7d, 12h, 2026-01-31, …") var since: String?
    @Option(help: "Only entries by this actor (its name, any case).") var actor: String?
    @Option(help: "Only entries about this: asset:ID, collection:SLUG, share:TOKEN, library:SLUG.") var entity: String?
    @Option(help: "At most this many entries (1–1000).") var limit = 100
    @Flag(help: "Print JSON: { items, limit, offset, total }.") var json = false
    @Flag(help: "Print CSV.") var csv = false

    func validate() throws {
        if json && csv { throw ValidationError("Choose one of --json and --csv.") }
    }

    func run() throws {
        let home = try global.openHome()
        let page = try global.activityService(home).entries(since: since, actor: actor, entity: entity, limit: limit)
        if json { return try printJSON(page) }
        let rows = page.items.map { a in
            [a.occurredAt.formatted(.iso8601), "\(a.actorName) (\(a.actorType))", a.action, "\(a.entityType):\(a.entityId)", a.entityTitle,
             a.description ?? ""]
        }
        if csv { return printCSV(["time", "actor", "action", "entity", "title", "description"], rows) }
        printTable(["TIME", "ACTOR", "ACTION", "ENTITY", "TITLE", "DESCRIPTION"], rows)
        if page.total > page.items.count { print("(\(page.items.count) of \(page.total); --limit shows more)") }
    }
}
