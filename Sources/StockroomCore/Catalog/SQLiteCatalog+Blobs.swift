import Foundation
import GRDB

extension SQLiteCatalog: BlobReferenceRepository {
    public func referencedBlobs() throws(DomainError) -> [BlobReference] {
        try read { db in
            var byHash: [String: BlobReference] = [:]
            var order: [String] = []
            func add(_ hash: String, _ size: Int64?, _ user: String) {
                if byHash[hash] == nil {
                    byHash[hash] = BlobReference(hash: hash, byteSize: size, usedBy: [])
                    order.append(hash)
                }
                byHash[hash]!.usedBy.append(user)
            }
            for row in try Row.fetchAll(db, sql: "SELECT assetId, versionNumber, blobHash, byteSize FROM asset_version ORDER BY id") {
                add(row["blobHash"], row["byteSize"], "asset \(row["assetId"] as Int64) v\(row["versionNumber"] as Int)")
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT assetId, renditionType, blobHash, byteSize FROM rendition
                WHERE status = 'COMPLETED' AND blobHash IS NOT NULL ORDER BY id
                """) {
                add(row["blobHash"], row["byteSize"], "asset \(row["assetId"] as Int64) \(row["renditionType"] as String)")
            }
            return order.map { byHash[$0]! }
        }
    }
}
