import Foundation
import Hummingbird
import StockroomCore

/// A zip of blobs written straight into a response body: each blob is read in chunks, its CRC
/// computed on the way, so memory use stays at one chunk whatever the archive's size.
struct ZipDownload: Sendable {
    struct Entry: Sendable {
        var blobHash: String
        var name: String
        var modified: Date
    }

    let entries: [Entry]
    let blobs: any BlobStore

    var body: ResponseBody {
        ResponseBody { writer in
            try await self.write(to: &writer)
        }
    }

    func write(to writer: inout any ResponseBodyWriter) async throws {
        var encoder = ZipStreamEncoder()
        for entry in entries {
            let reader = try blobs.openReader(entry.blobHash)
            do {
                try await writeEntry(entry, from: reader, encoder: &encoder, to: &writer)
                reader.close()
            } catch {
                reader.close()
                throw error
            }
        }
        try await writer.write(ByteBuffer(bytes: encoder.finish()))
        try await writer.finish(nil)
    }

    private func writeEntry(_ entry: Entry, from reader: any BlobReader, encoder: inout ZipStreamEncoder,
                            to writer: inout any ResponseBodyWriter) async throws {
        let size = reader.size
        try await writer.write(ByteBuffer(bytes: encoder.beginEntry(name: entry.name, size: UInt64(size), modified: entry.modified)))
        var crc = CRC32()
        var offset: Int64 = 0
        while offset < size {
            let chunk = try reader.read(at: offset, count: BlobResponse.chunkSize)
            if chunk.isEmpty { break }
            crc.update(chunk)
            try await writer.write(ByteBuffer(bytes: chunk))
            offset += Int64(chunk.count)
        }
        try await writer.write(ByteBuffer(bytes: encoder.endEntry(crc: crc.value, bytesWritten: UInt64(offset))))
    }
}
