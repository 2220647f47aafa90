import HTTPTypes
import NIOCore
import StockroomCore

/// What the `view` route answers for one rendition of one member of a cached link, worked out
/// once when the link's entry first serves it and reused for every request at that catalog
/// version: the member and file (membership and the display rule were checked to find them) and
/// the heads of the 200 and of the 304 encoded as HTTP/1.1 bytes up to (not including) `Date` and
/// `Server`, which change with the clock.
///
/// Only what depends on the link at its version, the asset, the rendition and the blob is kept;
/// everything that depends on the request or the clock (expiry, the asset's own expiry, the
/// password session, If-None-Match, the small-blob cache, the access-log row) is checked per
/// request by `GalleryController.viewFromMemory`.
final class PreparedRendition: Sendable {
    let asset: SharedAsset
    let file: SharedFile
    let size: Int64
    /// `"<blob hash>"`, as `ETag` carries it.
    let etag: String
    /// `HTTP/1.1 200 OK\r\n` and the 200's header lines (GET and HEAD; `BlobResponder.fileHeaders`),
    /// each ending in CRLF, without `Date` and `Server`.
    let okHead: ByteBuffer
    /// `HTTP/1.1 304 Not Modified\r\n` and the 304's header lines (`BlobResponder.notModifiedHeaders`).
    let notModifiedHead: ByteBuffer

    init(asset: SharedAsset, file: SharedFile, size: Int64, cacheControl: String) {
        self.asset = asset
        self.file = file
        self.size = size
        etag = "\"\(file.blobHash)\""
        okHead = Self.encode(.ok, BlobResponder.fileHeaders(file, range: ByteRange(start: 0, end: size - 1), partialOf: nil,
                                                            disposition: .inline, cacheControl: cacheControl))
        notModifiedHead = Self.encode(.notModified, BlobResponder.notModifiedHeaders(file, cacheControl: cacheControl))
    }

    /// The status line and header lines as NIO's HTTP/1 encoder writes them for an HTTP/1.1
    /// keep-alive response (field names as given, `name: value`).
    static func encode(_ status: HTTPResponse.Status, _ fields: HTTPFields) -> ByteBuffer {
        var text = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n"
        for field in fields { text += "\(field.name.rawName): \(field.value)\r\n" }
        return ByteBuffer(string: text)
    }

    /// Whether `If-None-Match` names this file's blob (as `BlobResponder.isNotModified` decides).
    func isNotModified(ifNoneMatch header: String?) -> Bool {
        guard let header else { return false }
        if header == etag { return true }
        return BlobResponder.isNotModified(ifNoneMatch: header, blobHash: file.blobHash)
    }
}
