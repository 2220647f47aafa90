import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StockroomCore
import StockroomServer
import Testing

@Suite("Admin API over loopback HTTP")
struct AdminAPITests {
    @Test func missingInvalidAndRevokedKeysGet401() async throws {
        let fixture = try ShareFixture()
        let keys = APIKeyService(keys: fixture.home.catalog)
        let (_, secret) = try keys.createKey(name: "ci")
        let (revokedKey, revokedSecret) = try keys.createKey(name: "old")
        try keys.revoke(prefix: revokedKey.prefix)
        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            for uri in ["/api/v1/assets", "/api/v1/collections", "/api/v1/shares", "/api/v1/libraries"] {
                #expect(try await client.execute(uri: uri, method: .get).status == .unauthorized)
                #expect(try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer srk_not-a-real-key"]).status == .unauthorized)
                // Right prefix, wrong secret.
                let tampered = String(secret.dropLast()) + (secret.hasSuffix("A") ? "B" : "A")
                #expect(try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(tampered)"]).status == .unauthorized)
                #expect(try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(revokedSecret)"]).status == .unauthorized)
                #expect(try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(secret)"]).status == .ok)
            }
            let unauthorized = try await client.execute(uri: "/api/v1/assets/1", method: .patch, body: ByteBuffer(string: "{}"))
            #expect(unauthorized.status == .unauthorized)
            #expect(try unauthorized.json()["error"] as? [String: String] == ["code": "unauthorized", "message": "a valid API key is required"])
            #expect(unauthorized.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            let viaHeader = HTTPField.Name("X-API-Key")!
            #expect(try await client.execute(uri: "/api/v1/assets", method: .get, headers: [viaHeader: secret]).status == .ok)
        }
        let stored = try keys.allKeys()
        #expect(stored.allSatisfy { !$0.keyHash.contains(secret) && $0.keyHash.count == 64 })
        #expect(stored.first { $0.name == "ci" }?.lastUsedAt != nil)
    }

    @Test func catalogCollectionsSharesAndCommentsThroughTheAPI() async throws {
        let fixture = try ShareFixture()
        let a = try fixture.addImage("orientation-landscape-2.jpg", name: "Beach", tags: ["summer"], folder: "/campaigns/summer")
        let b = try fixture.addImage("iptc.jpg", name: "Office", tags: ["winter"])
        let (_, secret) = try APIKeyService(keys: fixture.home.catalog).createKey(name: "tests")
        let auth: HTTPFields = [.authorization: "Bearer \(secret)", .contentType: "application/json"]
        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            // Assets: search, get, patch.
            let search = try await client.execute(uri: "/api/v1/assets?q=beach", method: .get, headers: auth).json()
            #expect((search["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Beach"])
            let byTag = try await client.execute(uri: "/api/v1/assets?tag=winter", method: .get, headers: auth).json()
            #expect((byTag["items"] as? [[String: Any]])?.compactMap { ($0["id"] as? NSNumber)?.int64Value } == [b.id!])
            let inFolder = try await client.execute(uri: "/api/v1/assets?library=client-work&folder=/campaigns/summer", method: .get, headers: auth).json()
            #expect((inFolder["items"] as? [[String: Any]])?.count == 1)

            let patch = #"{"addTags":["Hero Shot"],"removeTags":["summer"],"status":"APPROVED","license":"ROYALTY_FREE","metadata":{"client":"Acme"},"copyrightHolder":"Acme Ltd"}"#
            let patched = try await client.execute(uri: "/api/v1/assets/\(a.id!)", method: .patch, headers: auth, body: ByteBuffer(string: patch))
            #expect(patched.status == .ok)
            let detail = try await client.execute(uri: "/api/v1/assets/\(a.id!)", method: .get, headers: auth).json()
            #expect(detail["tags"] as? [String] == ["Hero Shot"])
            #expect(detail["license"] as? String == "ROYALTY_FREE")
            #expect(detail["copyrightHolder"] as? String == "Acme Ltd")
            #expect((detail["metadata"] as? [String: Any])?["client"] as? String == "Acme")
            #expect((detail["renditions"] as? [Any])?.count == 2)
            let badPatch = try await client.execute(uri: "/api/v1/assets/\(a.id!)", method: .patch, headers: auth, body: ByteBuffer(string: #"{"status":"NOPE"}"#))
            #expect(badPatch.status == .badRequest)
            #expect(try await client.execute(uri: "/api/v1/assets/999999", method: .get, headers: auth).status == .notFound)

            // Files.
            let original = try await client.execute(uri: "/api/v1/assets/\(a.id!)/original", method: .get, headers: auth)
            #expect(original.bytes == (try fixture.blob(try fixture.originalHash(of: a))))
            let thumb = try await client.execute(uri: "/api/v1/assets/\(a.id!)/renditions/thumbnail_medium", method: .get, headers: auth)
            #expect(thumb.status == .ok)
            #expect(thumb.headers[.contentType] == "image/jpeg")

            // Collections: manual and smart.
            let created = try await client.execute(uri: "/api/v1/collections", method: .post, headers: auth,
                                                   body: ByteBuffer(string: #"{"name":"Client Picks","type":"DELIVERABLE"}"#))
            #expect(created.status == .created)
            let added = try await client.execute(uri: "/api/v1/collections/client-picks/items", method: .post, headers: auth,
                                                 body: ByteBuffer(string: "{\"assetIds\":[\(b.id!),\(a.id!)],\"note\":\"final\"}"))
            #expect(added.status == .created)
            let shown = try await client.execute(uri: "/api/v1/collections/client-picks", method: .get, headers: auth).json()
            #expect((shown["items"] as? [[String: Any]])?.compactMap { ($0["assetId"] as? NSNumber)?.int64Value } == [b.id!, a.id!])
            #expect(try await client.execute(uri: "/api/v1/collections/client-picks/items/\(b.id!)", method: .delete, headers: auth).status == .noContent)
            #expect(try await client.execute(uri: "/api/v1/collections/client-picks/items/\(b.id!)", method: .delete, headers: auth).status == .notFound)
            let smart = #"{"name":"Heroes","smartRules":{"conditions":[{"field":"tags","operator":"contains","value":"hero shot"}],"match":"all"}}"#
            #expect(try await client.execute(uri: "/api/v1/collections", method: .post, headers: auth, body: ByteBuffer(string: smart)).status == .created)
            let heroesResponse = try await client.execute(uri: "/api/v1/collections/heroes", method: .get, headers: auth)
            let heroes = try heroesResponse.json()
            #expect((heroes["items"] as? [[String: Any]])?.compactMap { ($0["assetId"] as? NSNumber)?.int64Value } == [a.id!])
            let duplicate = try await client.execute(uri: "/api/v1/collections", method: .post, headers: auth, body: ByteBuffer(string: smart))
            #expect(duplicate.status == .conflict)

            // Shares: create, read, use, log, revoke.
            let share = try await client.execute(uri: "/api/v1/shares", method: .post, headers: auth,
                                                 body: ByteBuffer(string: #"{"collection":"client-picks","expires":"7d","maxDownloads":2,"recipientEmail":"ana@example.com"}"#))
            #expect(share.status == .created)
            let token = try #require(try share.json()["token"] as? String)
            #expect((try share.json()["url"] as? String)?.hasSuffix("/s/\(token)") == true)
            #expect(try await client.execute(uri: "/s/\(token)", method: .get).status == .ok)
            let log = try await client.execute(uri: "/api/v1/shares/\(token)/log", method: .get, headers: auth).jsonArray()
            #expect(log.compactMap { $0["event"] as? String } == ["VIEW"])
            #expect(try await client.execute(uri: "/api/v1/shares/\(token)", method: .delete, headers: auth).status == .ok)
            #expect(try await client.execute(uri: "/s/\(token)", method: .get).status == .notFound)
            let listed = try await client.execute(uri: "/api/v1/shares", method: .get, headers: auth).jsonArray()
            #expect(listed.first?["state"] as? String == "REVOKED")
            #expect(listed.first?["passwordHash"] == nil)

            // Comments: threaded, annotated, resolved.
            let root = try await client.execute(uri: "/api/v1/assets/\(a.id!)/comments", method: .post, headers: auth,
                                                body: ByteBuffer(string: #"{"content":"Crop tighter here","annotation":{"type":"rect","x":0.1,"y":0.2,"width":0.3,"height":0.4}}"#))
            #expect(root.status == .created)
            let rootId = try #require((try root.json()["id"] as? NSNumber)?.int64Value)
            let reply = try await client.execute(uri: "/api/v1/assets/\(a.id!)/comments", method: .post, headers: auth,
                                                 body: ByteBuffer(string: "{\"content\":\"Done\",\"parentId\":\(rootId)}"))
            #expect(reply.status == .created)
            let outside = try await client.execute(uri: "/api/v1/assets/\(a.id!)/comments", method: .post, headers: auth,
                                                   body: ByteBuffer(string: #"{"content":"x","annotation":{"type":"point","x":1.5,"y":0}}"#))
            #expect(outside.status == .badRequest)
            #expect(try await client.execute(uri: "/api/v1/comments/\(rootId)/resolve", method: .post, headers: auth).status == .ok)
            let threads = try await client.execute(uri: "/api/v1/assets/\(a.id!)/comments", method: .get, headers: auth).jsonArray()
            #expect(threads.count == 1)
            #expect(threads.first?["isResolved"] as? Bool == true)
            #expect((threads.first?["annotation"] as? [String: Any])?["type"] as? String == "rect")
            #expect((threads.first?["replies"] as? [[String: Any]])?.first?["content"] as? String == "Done")
        }
    }

    @Test func patchSearchValidationAndOneErrorShape() async throws {
        let fixture = try ShareFixture()
        let a = try fixture.addImage("orientation-landscape-2.jpg", name: "Beach", tags: ["summer"])
        _ = try fixture.addImage("iptc.jpg", name: "Office", tags: ["winter"])
        var seed = AssetPatch()
        seed.metadata = .object(["exif": .object(["Make": .string("Canon"), "ISO": .number(200)]), "client": .string("old")])
        _ = try fixture.home.catalog.updateAsset(id: a.id!, applying: seed, by: "test")
        let (_, secret) = try APIKeyService(keys: fixture.home.catalog).createKey(name: "tests")
        let auth: HTTPFields = [.authorization: "Bearer \(secret)", .contentType: "application/json"]
        try await withLiveServer(fixture) { (client: any TestClientProtocol) async throws -> Void in
            func error(_ response: TestResponse) throws -> [String: String] {
                let body = try response.json()
                #expect(body.keys.sorted() == ["error"], "one error shape")
                return body["error"] as? [String: String] ?? [:]
            }
            let uri = "/api/v1/assets/\(a.id!)"
            // metadata must be an object, and is merged deeply.
            for bad in [#"{"metadata":"x"}"#, #"{"metadata":[1,2]}"#, #"{"metadata":7}"#] {
                let response = try await client.execute(uri: uri, method: .patch, headers: auth, body: ByteBuffer(string: bad))
                #expect(response.status == .badRequest, "\(bad)")
                #expect(try error(response)["code"] == "invalid_argument")
            }
            let merged = try await client.execute(uri: uri, method: .patch, headers: auth,
                                                  body: ByteBuffer(string: #"{"metadata":{"exif":{"Lens":"35mm"},"client":"Acme"}}"#))
            #expect(merged.status == .ok)
            let metadata = try merged.json()["metadata"] as? [String: Any] ?? [:]
            let exif = metadata["exif"] as? [String: Any] ?? [:]
            #expect(exif["Make"] as? String == "Canon" && exif["Lens"] as? String == "35mm" && (exif["ISO"] as? NSNumber)?.intValue == 200)
            #expect(metadata["client"] as? String == "Acme")

            // Approval records who and when; rejection clears both.
            let approved = try await client.execute(uri: uri, method: .patch, headers: auth, body: ByteBuffer(string: #"{"status":"APPROVED"}"#)).json()
            #expect(approved["approvedBy"] as? String == "tests")
            #expect(approved["approvedAt"] is String)
            let rejected = try await client.execute(uri: uri, method: .patch, headers: auth, body: ByteBuffer(string: #"{"status":"REJECTED"}"#)).json()
            #expect(rejected["approvedBy"] == nil && rejected["approvedAt"] == nil)

            // Bodies that do not decode name the field in API terms, never a Swift type.
            let badEnum = try await client.execute(uri: uri, method: .patch, headers: auth, body: ByteBuffer(string: #"{"status":"NOPE"}"#))
            #expect(badEnum.status == .badRequest)
            let message = try error(badEnum)["message"] ?? ""
            #expect(message.hasPrefix("status must be one of PENDING"), "\(message)")
            let badType = try await client.execute(uri: uri, method: .patch, headers: auth, body: ByteBuffer(string: #"{"copyrightYear":"soon"}"#))
            let typeMessage = try error(badType)["message"] ?? ""
            #expect(typeMessage == "copyrightYear must be an integer")
            let notJSON = try await client.execute(uri: uri, method: .patch, headers: auth, body: ByteBuffer(string: "{nope"))
            #expect(notJSON.status == .badRequest)
            for response in [badEnum, badType, notJSON] {
                let text = response.text
                for leak in ["Swift", "DecodingError", "AssetPatch", "AssetStatus", "Int64", "CodingKeys"] { #expect(!text.contains(leak), "\(text)") }
            }

            // q= is the search language; a syntax error is a 400 naming the column.
            let byTag = try await client.execute(uri: "/api/v1/assets?q=tag:summer", method: .get, headers: auth).json()
            #expect((byTag["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Beach"])
            #expect((byTag["total"] as? NSNumber)?.intValue == 1)
            let negated = try await client.execute(uri: "/api/v1/assets?q=-tag:summer", method: .get, headers: auth).json()
            #expect((negated["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Office"])
            let syntax = try await client.execute(uri: "/api/v1/assets?q=(((", method: .get, headers: auth)
            #expect(syntax.status == .badRequest)
            #expect(try error(syntax)["message"]?.contains("column") == true)

            // Limits, offsets and enums are validated.
            for query in ["limit=-1", "limit=0", "limit=501", "limit=abc", "offset=abc", "offset=-3", "status=nope", "type=nope", "folder=/x"] {
                let response = try await client.execute(uri: "/api/v1/assets?\(query)", method: .get, headers: auth)
                #expect(response.status == .badRequest, "\(query)")
                #expect(try error(response)["code"] == "invalid_argument", "\(query)")
            }
            let paged = try await client.execute(uri: "/api/v1/assets?limit=1&offset=1", method: .get, headers: auth).json()
            #expect((paged["items"] as? [[String: Any]])?.count == 1)
            #expect((paged["total"] as? NSNumber)?.intValue == 2)

            // EDIT links are made (they let the client pick a selection); an unknown level is a 400 naming the levels.
            let edit = try await client.execute(uri: "/api/v1/shares", method: .post, headers: auth,
                                                body: ByteBuffer(string: "{\"assetId\":\(a.id!),\"accessLevel\":\"EDIT\"}"))
            #expect(edit.status == .created)
            #expect(try edit.json()["accessLevel"] as? String == "EDIT")
            let unknownLevel = try await client.execute(uri: "/api/v1/shares", method: .post, headers: auth,
                                                        body: ByteBuffer(string: "{\"assetId\":\(a.id!),\"accessLevel\":\"OWNER\"}"))
            #expect(unknownLevel.status == .badRequest)
            #expect(try error(unknownLevel)["message"] == "accessLevel must be one of VIEW, DOWNLOAD, COMMENT, EDIT")

            // Unknown routes and ids answer in the same shape.
            let missing = try await client.execute(uri: "/api/v1/assets/999999", method: .get, headers: auth)
            #expect(missing.status == .notFound)
            #expect(try error(missing)["code"] == "not_found")
            let noRoute = try await client.execute(uri: "/api/v1/nothing-here", method: .get, headers: auth)
            #expect(noRoute.status == .notFound)
            #expect(try error(noRoute)["code"] == "not_found")
        }
    }
}
