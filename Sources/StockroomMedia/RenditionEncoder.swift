import Foundation
internal import CVips
internal import CMediaShim

/// Encodes a finished rendition to bytes.
enum RenditionEncoder {
    /// Whether this libvips build can write AVIF (libheif with an AV1 encoder).
    static let canWriteAVIF: Bool = sr_vips_has_operation("heifsave_buffer") != 0

    /// `effort` nil (or for JPEG/PNG, which have none) keeps the encoder's default. A JPEG is
    /// written with optimised Huffman tables, baseline unless `progressive`.
    static func encode(_ image: LibvipsImage, format: RenditionRecipe.ImageFormat, quality: Int, effort: Int? = nil,
                       progressive: Bool = false, strip: Bool, deadline: Deadline) throws(MediaError) -> Data {
        if format == .avif && !canWriteAVIF {
            throw .unsupportedFormat("this libvips build cannot write AVIF")
        }
        image.limit(by: deadline)
        var buffer: UnsafeMutableRawPointer?
        var length = 0
        let q = Int32(quality)
        let stripFlag: Int32 = strip ? 1 : 0
        let status: Int32
        switch format {
        case .jpeg: status = sr_vips_jpegsave_buffer(image.pointer, &buffer, &length, q, stripFlag, progressive ? 1 : 0)
        case .webp: status = sr_vips_webpsave_buffer(image.pointer, &buffer, &length, q, Int32(effort ?? format.defaultEffort), stripFlag)
        case .png: status = sr_vips_pngsave_buffer(image.pointer, &buffer, &length, stripFlag)
        case .avif: status = sr_vips_avifsave_buffer(image.pointer, &buffer, &length, q, Int32(effort ?? format.defaultEffort), stripFlag)
        }
        guard status == 0, let buffer, length > 0 else {
            let message = LibvipsError.take()
            if let buffer { g_free(buffer) }
            try deadline.check()
            throw .vips("cannot encode \(format.rawValue): \(message)")
        }
        defer { g_free(buffer) }
        let data = Data(bytes: buffer, count: length)
        return format == .webp ? WebPMetadataChunks.strip(data, keepEXIF: !strip) : data
    }
}
