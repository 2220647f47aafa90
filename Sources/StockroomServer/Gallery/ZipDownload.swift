import Foundation
import Hummingbird
import Logging
import NIOCore
import StockroomCore

/// A zip of blobs written straight into a response body: each blob is read in chunks on the
/// blocking pool, its CRC computed on the way, so memory use stays at two chunks whatever the
/// archive's size. Each entry is checked like a single download: its size on disk must be the
/// catalog's, and a blob not verified before is hashed while it streams, with its last chunk
/// held back until the hash matched. A mismatch ends the archive there (no central directory:
/// every unzip tool reports it broken) and is logged.
struct ZipDownload: Sendable {
    struct Entry: Sendable {
        var blobHash: String
        var byteSize: Int64?
        var name: String
        var modified: Date
    }

    let entries: [Entry]
    let responder: BlobResponder
    let drain: ConnectionDrain

    var body: ResponseBody {
        ResponseBody { writer in
            responder.memory.begin()
            defer { responder.memory.end() }
            do {
                try await self.write(to: &writer)
            } catch {
                responder.logger.error("zip download ended early", metadata: ["error": "\(error)"])
                throw error
            }
        }
    }

    func write(to writer: inout any ResponseBodyWriter) async throws {
        var encoder = ZipStreamEncoder()
        for entry in entries {
            let hash = entry.blobHash
            let reader = try await responder.work.run { [blobs = responder.blobs] in try blobs.openReader(hash) }
            defer { reader.close() }
            let size = reader.size
            if let expected = entry.byteSize, expected != size {
                throw BlobIntegrityError(kind: .sizeMismatch, hash: hash, detail: "catalog \(expected) bytes, store \(size)")
            }
            try await writer.write(ByteBuffer(bytes: try encoder.beginEntry(name: entry.name, size: UInt64(size), modified: entry.modified)))
            let written = try await writeData(of: reader, hash: hash, size: size, to: &writer)
            try await writer.write(ByteBuffer(bytes: try encoder.endEntry(crc: written.crc, bytesWritten: UInt64(written.count))))
        }
        try await writer.write(ByteBuffer(bytes: try encoder.finish()))
        try await writer.finish(nil)
    }

    private func writeData(of reader: any BlobReader, hash: String, size: Int64,
                           to writer: inout any ResponseBodyWriter) async throws -> (crc: UInt32, count: Int64) {
        var crc = CRC32()
        var hasher = responder.verified.isVerified(hash, size: size) ? nil : BlobHasher()
        var held: ByteBuffer?
        var offset: Int64 = 0
        let chunks = responder.chunkSource(reader, hash: hash, start: 0, end: size, chunkSize: BlobResponder.chunkSize)
        while let chunk = try await chunks.next() {
            chunk.withUnsafeReadableBytes { crc.update($0) }
            hasher?.update(chunk)
            if let previous = held {
                try await drain.wait()
                try await writer.write(previous)
            }
            held = chunk
            offset += Int64(chunk.readableBytes)
        }
        if let hasher {
            let got = hasher.hex()
            guard got == hash else { throw BlobIntegrityError(kind: .hashMismatch, hash: hash, detail: "bytes hash to \(got)") }
            responder.verified.markVerified(hash, size: size)
        }
        if let held {
            try await drain.wait()
            try await writer.write(held)
        }
        return (crc.value, offset)
    }
}
