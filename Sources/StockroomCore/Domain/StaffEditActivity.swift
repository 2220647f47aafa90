import Foundation

/// The activity entries of staff edits of collections, API keys and folders, written alike by
/// both catalogs (the asset, comment and library entries have pieces of their own).
enum StaffEditActivity {
    static func collectionCreated(_ collection: AssetCollection, by actor: Actor) -> Activity {
        Activity(organizationId: collection.organizationId, actor: actor, action: "collection.created", entityType: "collection",
                 entityId: String(collection.id!), entityTitle: collection.slug,
                 description: "Created \(collection.collectionType.rawValue.lowercased()) collection \"\(collection.name)\"",
                 metadata: .object(["collectionType": .string(collection.collectionType.rawValue)]), now: collection.createdAt)
    }

    static func collectionDeleted(_ collection: AssetCollection, items: Int, by actor: Actor, now: Date) -> Activity {
        Activity(organizationId: collection.organizationId, actor: actor, action: "collection.deleted", entityType: "collection",
                 entityId: String(collection.id!), entityTitle: collection.slug, description: "Deleted collection \"\(collection.name)\"",
                 metadata: .object(["items": .number(Double(items))]), now: now)
    }

    static func itemsAdded(collectionId: Int64, slug: String, assetIds: [Int64], note: String?, by actor: Actor, now: Date) -> Activity {
        var metadata: [String: JSONValue] = ["assetIds": .array(assetIds.prefix(1_000).map { .number(Double($0)) }),
                                             "count": .number(Double(assetIds.count))]
        if let note { metadata["note"] = .string(note) }
        return Activity(organizationId: Organization.defaultId, actor: actor, action: "collection.items.added", entityType: "collection",
                        entityId: String(collectionId), entityTitle: slug,
                        description: "Added \(assetIds.count) asset\(assetIds.count == 1 ? "" : "s") to \(slug)", metadata: .object(metadata), now: now)
    }

    static func itemsRemoved(collectionId: Int64, slug: String, assetIds: [Int64], removed: Int, by actor: Actor, now: Date) -> Activity {
        Activity(organizationId: Organization.defaultId, actor: actor, action: "collection.items.removed", entityType: "collection",
                 entityId: String(collectionId), entityTitle: slug,
                 description: "Removed \(removed) asset\(removed == 1 ? "" : "s") from \(slug)",
                 metadata: .object(["assetIds": .array(assetIds.prefix(1_000).map { .number(Double($0)) })]), now: now)
    }

    /// Only the key's public prefix is named, never the key.
    static func apiKeyCreated(_ key: APIKey, by actor: Actor) -> Activity {
        Activity(organizationId: key.organizationId, actor: actor, action: "apikey.created", entityType: "api_key", entityId: key.prefix,
                 entityTitle: key.name, description: "Created API key \"\(key.name)\" (\(key.prefix)…)", now: key.createdAt)
    }

    static func apiKeyRevoked(_ key: APIKey, by actor: Actor, now: Date) -> Activity {
        Activity(organizationId: key.organizationId, actor: actor, action: "apikey.revoked", entityType: "api_key", entityId: key.prefix,
                 entityTitle: key.name, description: "Revoked API key \"\(key.name)\" (\(key.prefix)…)", now: now)
    }

    static func folderCreated(_ folder: Folder, by createdBy: String) -> Activity {
        Activity(actor: Actor(recordedName: createdBy), action: "folder.created", entityType: "folder", entityId: String(folder.id!),
                 entityTitle: folder.path, description: "Created folder \(folder.path)",
                 metadata: .object(["libraryId": .number(Double(folder.libraryId))]), now: folder.createdAt)
    }

    static func folderMoved(_ folder: Folder, from oldPrefix: String, by actor: String, now: Date) -> Activity {
        Activity(actor: Actor(recordedName: actor), action: "folder.moved", entityType: "folder", entityId: String(folder.id!),
                 entityTitle: folder.path, description: "Moved folder \(oldPrefix) to \(folder.path)",
                 metadata: .object(["libraryId": .number(Double(folder.libraryId)), "from": .string(oldPrefix), "to": .string(folder.path)]),
                 now: now)
    }
}
