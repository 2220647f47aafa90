import Foundation

extension PostgresCatalog: ShareLinkRepository {
    public func createShareLink(_ link: ShareLink, by actor: Actor, target: String) throws(DomainError) -> ShareLink {
        try write { tx throws(DomainError) in
            let link = try tx.insert(link, into: "share_link")
            var details: [String: JSONValue] = [
                "target": .string(target), "accessLevel": .string(link.accessLevel.rawValue),
                "allowDownload": .bool(link.allowDownload), "passwordProtected": .bool(link.passwordHash != nil),
            ]
            if let email = link.recipientEmail { details["recipientEmail"] = .string(email) }
            if let expiresAt = link.expiresAt { details["expiresAt"] = .string(expiresAt.formatted(.iso8601)) }
            if let max = link.maxDownloads { details["maxDownloads"] = .number(Double(max)) }
            let recipient = link.recipientEmail.map { " with \($0)" } ?? ""
            try tx.logActivity(Activity(
                organizationId: link.organizationId, actor: actor, action: "share.created", entityType: "share_link",
                entityId: String(link.id!), entityTitle: target, description: "Shared \(target)\(recipient)",
                metadata: .object(details), now: link.createdAt))
            return link
        }
    }

    public func shareLinks(organizationId: String) throws(DomainError) -> [ShareLink] {
        try read { tx throws(DomainError) in
            try tx.records(ShareLink.self, from: "share_link", where: "t.organization_id = ?", [organizationId], orderBy: "t.created_at DESC, t.id DESC")
        }
    }

    public func shareLinks(tokenPrefix prefix: String) throws(DomainError) -> [ShareLink] {
        try read { tx throws(DomainError) in
            // A range on the unique token index (collation "C"): "~" sorts after every base64url character.
            try tx.records(ShareLink.self, from: "share_link", where: "t.token >= ? AND t.token < ?", [prefix, prefix + "~"])
        }
    }

    public func shareLink(id: Int64) throws(DomainError) -> ShareLink? {
        try read { tx throws(DomainError) in try tx.record(ShareLink.self, from: "share_link", id: id) }
    }

    public func revokeShareLink(id: Int64, at now: Date, by actor: Actor, target: String) throws(DomainError) {
        try write { tx throws(DomainError) in
            guard try tx.execute("UPDATE share_link SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [now, id]) > 0,
                  let link = try tx.record(ShareLink.self, from: "share_link", id: id) else { return }
            try tx.logActivity(Activity(
                organizationId: link.organizationId, actor: actor, action: "share.revoked", entityType: "share_link",
                entityId: String(id), entityTitle: target, description: "Revoked the share link of \(target)", now: now))
        }
    }

    public func recordShareView(linkId: Int64, at now: Date) throws(DomainError) {
        try write { tx throws(DomainError) in
            try tx.execute("UPDATE share_link SET access_count = access_count + 1, last_accessed_at = ? WHERE id = ?", [now, linkId])
        }
    }

    public func consumeShareDownload(linkId: Int64, at now: Date) throws(DomainError) -> Bool {
        try write { tx throws(DomainError) in
            try tx.execute("""
                UPDATE share_link SET download_count = download_count + 1, last_accessed_at = ?
                WHERE id = ? AND (max_downloads IS NULL OR download_count < max_downloads)
                """, [now, linkId]) == 1
        }
    }

    public func appendShareAccess(_ event: ShareAccessEvent) throws(DomainError) {
        try write { tx throws(DomainError) in _ = try tx.insert(event, into: "share_access") }
    }

    public func shareAccessLog(linkId: Int64) throws(DomainError) -> [ShareAccessEvent] {
        try read { tx throws(DomainError) in
            try tx.records(ShareAccessEvent.self, from: "share_access", where: "t.share_link_id = ?", [linkId], orderBy: "t.occurred_at, t.id")
        }
    }

    public func hasShareDownloadsLeft(linkId: Int64) throws(DomainError) -> Bool {
        try read { tx throws(DomainError) in
            try tx.scalar(Bool.self, "SELECT max_downloads IS NULL OR download_count < max_downloads FROM share_link WHERE id = ?", [linkId]) ?? false
        }
    }

    public func recordShareAccess(_ batch: ShareAccessBatch) throws(DomainError) {
        guard !batch.isEmpty else { return }
        try write { tx throws(DomainError) in
            // One statement for the whole batch of events: serving writes thousands of rows a second.
            if !batch.events.isEmpty {
                let rows = try PostgresRecordCoding.json(batch.events)
                try tx.execute("""
                    INSERT INTO share_access (share_link_id, event, asset_id, rendition_type, ip_address, user_agent, occurred_at, byte_range)
                    SELECT (e->>'shareLinkId')::bigint, e->>'event', (e->>'assetId')::bigint, e->>'renditionType', e->>'ipAddress',
                           e->>'userAgent', (e->>'occurredAt')::timestamptz, e->>'byteRange'
                    FROM json_array_elements(?::json) e
                    """, [rows])
            }
            for (linkId, tally) in batch.linkViews {
                try tx.execute("""
                    UPDATE share_link SET access_count = access_count + ?, last_accessed_at = greatest(coalesce(last_accessed_at, ?), ?) WHERE id = ?
                    """, [tally.count, tally.last, tally.last, linkId])
            }
            for (assetId, tally) in batch.assetDownloads {
                try tx.execute("UPDATE asset SET download_count = download_count + ?, last_downloaded_at = ? WHERE id = ?",
                               [tally.count, tally.last, assetId])
            }
        }
    }

    public func sharedFiles(assetIds: [Int64]) throws(DomainError) -> SharedFileRows {
        guard !assetIds.isEmpty else { return SharedFileRows(versions: [:], renditions: [:]) }
        return try read { tx throws(DomainError) in
            var versions: [Int64: AssetVersion] = [:]
            var renditions: [Int64: [Rendition]] = [:]
            let ids = Self.array(assetIds)
            for version in try tx.records(AssetVersion.self, from: "asset_version", where: "t.asset_id = ANY(?::bigint[]) AND t.is_current", [ids]) {
                versions[version.assetId] = version
            }
            for rendition in try tx.records(Rendition.self, from: "rendition",
                                            where: "t.asset_id = ANY(?::bigint[]) AND t.status = 'COMPLETED' AND t.blob_hash IS NOT NULL",
                                            [ids], orderBy: "t.id") {
                renditions[rendition.assetId, default: []].append(rendition)
            }
            var pending: [Int64: Set<RenditionType>] = [:]
            for waiting in try tx.records(Rendition.self, from: "rendition",
                                          where: "t.asset_id = ANY(?::bigint[]) AND t.status IN ('PENDING', 'PROCESSING')", [ids]) {
                pending[waiting.assetId, default: []].insert(waiting.renditionType)
            }
            return SharedFileRows(versions: versions, renditions: renditions, pending: pending)
        }
    }
}

extension PostgresCatalog: BlobReferenceRepository {
    public func referencedBlobs() throws(DomainError) -> [BlobReference] {
        try read { tx throws(DomainError) in
            var byHash: [String: BlobReference] = [:]
            var order: [String] = []
            func add(_ hash: String, _ size: Int64?, _ user: String) {
                if byHash[hash] == nil {
                    byHash[hash] = BlobReference(hash: hash, byteSize: size, usedBy: [])
                    order.append(hash)
                }
                byHash[hash]!.usedBy.append(user)
            }
            for row in try tx.run("SELECT asset_id, version_number, blob_hash, byte_size FROM asset_version ORDER BY id").rows {
                if let (asset, number, hash, size) = try? row.decode((Int64, Int, String, Int64?).self) { add(hash, size, "asset \(asset) v\(number)") }
            }
            for row in try tx.run("""
                SELECT asset_id, rendition_type, blob_hash, byte_size FROM rendition
                WHERE status = 'COMPLETED' AND blob_hash IS NOT NULL ORDER BY id
                """).rows {
                if let (asset, type, hash, size) = try? row.decode((Int64, String, String, Int64?).self) { add(hash, size, "asset \(asset) \(type)") }
            }
            return order.map { byHash[$0]! }
        }
    }
}

extension PostgresCatalog: WatchStateRepository {
    public func watchedFileStates(root: String) throws(DomainError) -> [String: WatchedFileState] {
        try read { tx throws(DomainError) in
            var states: [String: WatchedFileState] = [:]
            for row in try tx.run("SELECT relative_path, byte_size, modified_at, outcome, asset_id FROM watch_file WHERE watch_root = ?", [root]).rows {
                if let (path, size, modified, outcome, asset) = try? row.decode((String, Int64, Double, String, Int64?).self) {
                    states[path] = WatchedFileState(byteSize: size, modifiedAt: modified, outcome: outcome, assetId: asset)
                }
            }
            return states
        }
    }

    public func recordWatchedFile(root: String, relativePath: String, state: WatchedFileState, now: Date) throws(DomainError) {
        try write { tx throws(DomainError) in
            try tx.execute("""
                INSERT INTO watch_file (watch_root, relative_path, byte_size, modified_at, outcome, asset_id, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (watch_root, relative_path) DO UPDATE SET
                    byte_size = excluded.byte_size, modified_at = excluded.modified_at, outcome = excluded.outcome,
                    asset_id = excluded.asset_id, recorded_at = excluded.recorded_at
                """, [root, relativePath, state.byteSize, state.modifiedAt, state.outcome, state.assetId, now])
        }
    }

    public func setQuarantinePath(sourcePath: String, quarantinePath: String) throws(DomainError) {
        try write { tx throws(DomainError) in
            try tx.execute("""
                UPDATE ingest_failure SET quarantine_path = ?
                WHERE id = (SELECT id FROM ingest_failure WHERE source_path = ? AND resolved_at IS NULL ORDER BY id DESC LIMIT 1)
                """, [quarantinePath, sourcePath])
        }
    }
}

extension PostgresCatalog: ContentIndexRepository {
    /// Replaces an asset's fonts and full-text entry with the draft's.
    static func indexContent(_ tx: PostgresTransaction, assetId: Int64, draft: AssetDraft) throws(DomainError) {
        try tx.execute("DELETE FROM asset_font WHERE asset_id = ?", [assetId])
        for font in draft.fonts {
            try tx.execute("INSERT INTO asset_font (asset_id, family, normalized, role) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                           [assetId, font.family, font.normalized, font.role.rawValue])
        }
        try tx.execute("DELETE FROM asset_text WHERE asset_id = ?", [assetId])
        if draft.indexedTitle != nil || draft.indexedText != nil {
            try tx.execute("INSERT INTO asset_text (asset_id, title, body) VALUES (?, ?, ?)", [assetId, draft.indexedTitle ?? "", draft.indexedText ?? ""])
        }
    }

    public func fonts(assetId: Int64) throws(DomainError) -> [AssetFont] {
        try read { tx throws(DomainError) in
            var fonts: [AssetFont] = []
            for row in try tx.run("SELECT family, role FROM asset_font WHERE asset_id = ? ORDER BY role, normalized", [assetId]).rows {
                if let (family, role) = try? row.decode((String, String).self), let role = AssetFont.Role(rawValue: role) {
                    fonts.append(AssetFont(family: family, role: role))
                }
            }
            return fonts
        }
    }

    public func indexedText(assetId: Int64) throws(DomainError) -> (title: String, body: String)? {
        try read { tx throws(DomainError) in
            guard let row = try tx.run("SELECT title, body FROM asset_text WHERE asset_id = ?", [assetId]).rows.first,
                  let (title, body) = try? row.decode((String, String).self) else { return nil }
            return (title: title, body: body)
        }
    }
}
