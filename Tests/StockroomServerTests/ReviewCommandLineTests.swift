import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockroomCore
import StockroomServer
import Testing

/// The staff side of client review through the real `stockroom` binary (the debug build next to
/// the tests) on the data home a live server writes to: a client comments and decides over
/// loopback HTTP, then `comment`, `review`, `asset approve|reject`, `library set` and `activity`
/// read and change the same SQLite file.
@Suite("Review, approval and activity commands on the real binary",
       .enabled(if: FileManager.default.isExecutableFile(atPath: ServeProcess.binary.path), "needs .build/debug/stockroom"))
struct ReviewCommandLineTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String

        func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
        func object() throws -> [String: Any] { try #require(try json() as? [String: Any], "\(stdout)") }
        func array() throws -> [[String: Any]] { try #require(try json() as? [[String: Any]], "\(stdout)") }
    }

    static func stockroom(_ arguments: [String], home: URL, input: String? = nil) throws -> Run {
        let process = Process()
        process.executableURL = ServeProcess.binary
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["STOCKROOM_HOME"] = home.path
        environment["USER"] = "dana"
        process.environment = environment
        let out = Pipe(), err = Pipe(), stdin = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func staffReadAnswerAndDecideWhatClientsDid() async throws {
        let fixture = try ShareFixture()
        let home = fixture.directory.appendingPathComponent("home")
        let photo = try fixture.addImage("orientation-landscape-1.jpg", name: "Harbour at dawn")
        let portrait = try fixture.addImage("iptc.jpg", name: "Portrait")
        let waiting = try fixture.addImage("cmyk.jpg", name: "Waiting", status: .pending)
        let collection = try fixture.collections.createCollection(name: "Picks", by: .system)
        _ = try fixture.collections.addAssets([photo.id!, portrait.id!], to: collection.slug, by: .system)
        let link = try fixture.shares.createShare(ShareRequest(target: .collection(slug: collection.slug), accessLevel: .comment), by: .system)
        let json: HTTPFields = [.contentType: "application/json", .accept: "application/json"]

        // A client comments and decides through the link.
        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            let base = "/s/\(link.token)/assets/\(photo.id!)"
            let comment = try await client.execute(uri: "\(base)/comments", method: .post, headers: json, body: ByteBuffer(string: """
                {"content": "Lift the shadows", "authorName": "Ana Lima", "annotation": {"type": "rect", "x": 0.1, "y": 0.2, "width": 0.3, "height": 0.4}}
                """))
            #expect(comment.status == .created)
            let decision = try await client.execute(uri: "\(base)/review", method: .put, headers: json,
                                                    body: ByteBuffer(string: #"{"decision": "rejected", "note": "too dark", "authorName": "Ana Lima"}"#))
            #expect(decision.status == .ok)
        }

        // comment list / reply / resolve
        let listed = try Self.stockroom(["comment", "list", "--share", link.token, "--json"], home: home)
        #expect(listed.status == 0, "\(listed.stderr)")
        let comments = try listed.array()
        #expect(comments.count == 1)
        #expect(comments.first?["authorType"] as? String == "client")
        #expect(comments.first?["authorName"] as? String == "Ana Lima")
        #expect((comments.first?["annotation"] as? [String: Any])?["type"] as? String == "rect")
        let commentId = try #require((comments.first?["id"] as? NSNumber)?.int64Value)
        let table = try Self.stockroom(["comment", "list", "--asset", String(photo.id!)], home: home)
        #expect(table.stdout.contains("Ana Lima (client)") && table.stdout.contains("rect 0.100,0.200 0.300×0.400"), "\(table.stdout)")

        let reply = try Self.stockroom(["comment", "reply", String(commentId), "Lifted in version 2", "--json"], home: home)
        #expect(reply.status == 0, "\(reply.stderr)")
        #expect((try reply.object()["parentId"] as? NSNumber)?.int64Value == commentId)
        #expect(try reply.object()["authorName"] as? String == "dana")
        let resolved = try Self.stockroom(["comment", "resolve", String(commentId), "--json"], home: home)
        #expect(try resolved.object()["isResolved"] as? Bool == true)
        let open = try Self.stockroom(["comment", "list", "--unresolved", "--json"], home: home).array()
        #expect(open.map { $0["content"] as? String } == ["Lifted in version 2"])
        // The reply sits in the thread the link's client sees.
        #expect(try Self.stockroom(["comment", "list", "--share", link.token, "--json"], home: home).array().count == 2)
        let missing = try Self.stockroom(["comment", "reply", "999999", "hello"], home: home)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no comment with id 999999"), "\(missing.stderr)")

        // review list --csv / --json
        let csv = try Self.stockroom(["review", "list", link.token, "--csv"], home: home)
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = csv.stdout.split(separator: "\n").map(String.init)
        #expect(rows.first == "assetId,name,decision,note,decidedBy,decidedAt,remark")
        #expect(rows.contains { $0.hasPrefix("\(photo.id!),Harbour at dawn,REJECTED,too dark,Ana Lima,") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("\(portrait.id!),Portrait,OPEN,") }, "\(rows)")
        let report = try Self.stockroom(["review", "list", link.token, "--json"], home: home).object()
        #expect(report["summary"] as? [String: Int] == ["approved": 0, "rejected": 1, "open": 1])

        // asset approve|reject: dry run, ids from stdin, a query, a note
        let dry = try Self.stockroom(["asset", "approve", "--ids-from", "-", "--dry-run", "--json"], home: home,
                                     input: "\(waiting.id!)\n\(photo.id!)\n")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(try dry.object()["dryRun"] as? Bool == true)
        #expect(try dry.object()["matched"] as? Int == 2)
        #expect(try dry.object()["changed"] as? Int == 1)
        #expect(try fixture.home.sqliteCatalog!.asset(id: waiting.id!)?.status == .pending)
        let approved = try Self.stockroom(["asset", "approve", "--ids-from", "-", "--note", "signed off", "--json"], home: home,
                                          input: "\(waiting.id!)\n")
        #expect(try approved.object()["changed"] as? Int == 1)
        let nowApproved = try #require(try fixture.home.sqliteCatalog!.asset(id: waiting.id!))
        #expect(nowApproved.status == .approved)
        #expect(nowApproved.approvedBy == "dana")
        #expect(nowApproved.approvedAt != nil)
        let rejected = try Self.stockroom(["asset", "reject", "--where", "name:Portrait", "--json"], home: home)
        #expect(try rejected.object()["changed"] as? Int == 1, "\(rejected.stdout)\(rejected.stderr)")
        #expect(try fixture.home.sqliteCatalog!.asset(id: portrait.id!)?.status == .rejected)
        let neither = try Self.stockroom(["asset", "approve"], home: home)
        #expect(neither.status != 0)
        #expect(neither.stderr.contains("--where QUERY or --ids-from FILE"), "\(neither.stderr)")

        // library set
        let slug = fixture.library.slug
        let set = try Self.stockroom(["library", "set", slug, "--require-approval", "--allowed-types", "image/*,Video/MP4",
                                      "--max-file-size", "500MB", "--json"], home: home)
        #expect(set.status == 0, "\(set.stderr)")
        let settings = try #require(try set.object()["settings"] as? [String: Any])
        #expect(settings["requireApproval"] as? Bool == true)
        #expect(settings["allowedFileTypes"] as? [String] == ["image/*", "video/mp4"])
        #expect(settings["maxFileSize"] as? Int == 500_000_000)
        let nothing = try Self.stockroom(["library", "set", slug], home: home)
        #expect(nothing.status != 0)
        #expect(nothing.stderr.contains("nothing to change"), "\(nothing.stderr)")
        let badType = try Self.stockroom(["library", "set", slug, "--allowed-types", "jpeg"], home: home)
        #expect(badType.status != 0)
        #expect(badType.stderr.contains("not a MIME type"), "\(badType.stderr)")
        let cleared = try Self.stockroom(["library", "set", slug, "--no-require-approval", "--allowed-types", "any", "--max-file-size", "none", "--json"],
                                         home: home).object()["settings"] as? [String: Any]
        #expect(cleared?["requireApproval"] as? Bool == false)
        #expect(cleared?["allowedFileTypes"] as? [String] == [])
        #expect(cleared?["maxFileSize"] == nil)

        // activity: by actor, by entity, since, CSV
        let byClient = try Self.stockroom(["activity", "--actor", "ana lima", "--json"], home: home).object()
        let clientActions = (byClient["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String }
        #expect(clientActions == ["review.decided", "comment.created"])
        let throughLink = try Self.stockroom(["activity", "--entity", "share:\(link.token)", "--json"], home: home).object()
        let linkActions = Set((throughLink["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? [])
        #expect(linkActions.isSuperset(of: ["share.created", "comment.created", "review.decided"]), "\(linkActions)")
        let staff = try Self.stockroom(["activity", "--actor", "dana", "--since", "1h", "--csv"], home: home)
        #expect(staff.status == 0, "\(staff.stderr)")
        let staffRows = staff.stdout.split(separator: "\n").map(String.init)
        #expect(staffRows.first == "time,actor,action,entity,title,description")
        for action in ["comment.created", "comment.resolved", "asset.approved", "asset.rejected", "library.updated"] {
            #expect(staffRows.contains { $0.contains(",\(action),") }, "\(action) in \(staffRows)")
        }
        #expect(!staffRows.contains { $0.contains(",asset.approved,asset:\(photo.id!),") }, "the dry run logged nothing")
        let asset = try Self.stockroom(["activity", "--entity", "asset:\(waiting.id!)", "--json"], home: home).object()
        let approval = (asset["items"] as? [[String: Any]])?.first { $0["action"] as? String == "asset.approved" }
        #expect((approval?["metadata"] as? [String: Any])?["note"] as? String == "signed off")
        let future = try Self.stockroom(["activity", "--since", "next tuesday"], home: home)
        #expect(future.status != 0)
        #expect(future.stderr.contains("since: cannot read"), "\(future.stderr)")
    }
}
