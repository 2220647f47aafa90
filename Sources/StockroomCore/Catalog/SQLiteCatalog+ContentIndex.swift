import Foundation
import GRDB

extension SQLiteCatalog: ContentIndexRepository {
    /// Replaces an asset's fonts and full-text entry with the draft's (a new version replaces
    /// the old version's words).
    static func indexContent(_ db: Database, assetId: Int64, draft: AssetDraft) throws {
        try db.execute(sql: "DELETE FROM asset_font WHERE assetId = ?", arguments: [assetId])
        for font in draft.fonts {
            try db.execute(sql: "INSERT OR IGNORE INTO asset_font (assetId, family, normalized, role) VALUES (?, ?, ?, ?)",
                           arguments: [assetId, font.family, font.normalized, font.role.rawValue])
        }
        try db.execute(sql: "DELETE FROM asset_text WHERE rowid = ?", arguments: [assetId])
        if draft.indexedTitle != nil || draft.indexedText != nil {
            try db.execute(sql: "INSERT INTO asset_text (rowid, title, body) VALUES (?, ?, ?)",
                           arguments: [assetId, draft.indexedTitle ?? "", draft.indexedText ?? ""])
        }
    }

    /// The font families recorded for an asset, face first.
    public func fonts(assetId: Int64) throws(DomainError) -> [AssetFont] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT family, role FROM asset_font WHERE assetId = ? ORDER BY role, normalized",
                             arguments: [assetId]).compactMap { row in
                AssetFont.Role(rawValue: row["role"]).map { AssetFont(family: row["family"], role: $0) }
            }
        }
    }

    /// The indexed text of an asset (title and body), if it has any.
    public func indexedText(assetId: Int64) throws(DomainError) -> (title: String, body: String)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT title, body FROM asset_text WHERE rowid = ?", arguments: [assetId]).map {
                (title: $0["title"], body: $0["body"])
            }
        }
    }
}
