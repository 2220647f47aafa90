import Foundation
import Hummingbird
import StockroomCore

/// Answers a request for a blob's bytes: ETag and If-None-Match, single Range requests, and a
/// streamed body read from the blob store in chunks.
struct BlobResponse {
    enum Disposition { case inline, attachment }

    static let chunkSize = 256 * 1024

    /// Whether the request's `If-None-Match` already names this blob.
    static func isNotModified(_ request: Request, blobHash: String) -> Bool {
        guard let header = request.headers[.ifNoneMatch] else { return false }
        let etag = "\"\(blobHash)\""
        return header == "*" || header.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag }
    }

    static func notModified(blobHash: String, cacheControl: String) -> Response {
        Response(status: .notModified, headers: [.eTag: "\"\(blobHash)\"", .cacheControl: cacheControl])
    }

    /// Whether the request asks for a range that starts past the first byte (a seek, not a fresh download).
    static func isContinuation(_ request: Request, size: Int64) -> Bool {
        if case let .partial(range) = ByteRange.parse(request.headers[.range], size: size) { return range.start > 0 }
        return false
    }

    static func response(for file: SharedFile, request: Request, blobs: any BlobStore, disposition: Disposition,
                         cacheControl: String) throws -> Response {
        let reader = try blobs.openReader(file.blobHash)
        let size = reader.size
        var headers: HTTPFields = [
            .contentType: file.mimeType,
            .eTag: "\"\(file.blobHash)\"",
            .cacheControl: cacheControl,
            .acceptRanges: "bytes",
            .xContentTypeOptions: "nosniff",
            .contentDisposition: contentDisposition(disposition, filename: file.filename),
        ]
        let range: ByteRange
        var status = HTTPResponse.Status.ok
        switch ByteRange.parse(request.headers[.range], size: size) {
        case .whole:
            range = ByteRange(start: 0, end: size - 1)
        case let .partial(r):
            range = r
            status = .partialContent
            headers[.contentRange] = "bytes \(r.start)-\(r.end)/\(size)"
        case .unsatisfiable:
            reader.close()
            return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(size)", .acceptRanges: "bytes"])
        }
        let length = max(0, range.count)
        headers[.contentLength] = String(length)
        if request.method == .head {
            reader.close()
            return Response(status: status, headers: headers)
        }
        let body = ResponseBody(contentLength: Int(length)) { writer in
            defer { reader.close() }
            var offset = range.start
            let end = range.start + length
            while offset < end {
                let count = Int(min(Int64(chunkSize), end - offset))
                let chunk = try reader.read(at: offset, count: count)
                guard !chunk.isEmpty else { break }
                try await writer.write(ByteBuffer(bytes: chunk))
                offset += Int64(chunk.count)
            }
            try await writer.finish(nil)
        }
        return Response(status: status, headers: headers, body: body)
    }

    /// `attachment; filename="photo.jpg"; filename*=UTF-8''photo.jpg`, with the plain name reduced to safe ASCII.
    static func contentDisposition(_ disposition: Disposition, filename: String) -> String {
        let kind = disposition == .inline ? "inline" : "attachment"
        let ascii = String(filename.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\" && scalar != "/" ? Character(scalar) : "_"
        })
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: allowed) ?? ascii
        return "\(kind); filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}
