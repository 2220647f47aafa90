import Foundation
internal import CVips
internal import CMediaShim

/// A preview image a file carries inside it (a Photoshop thumbnail, an Office or OpenDocument
/// thumbnail, an EPS file's TIFF preview), decoded only when an allowed loader recognises it.
enum EmbeddedPreview {
    static func visual(_ encoded: Data, recipes: [RenditionRecipe], configuration: MediaEngineConfiguration,
                       deadline: Deadline, swapRedAndBlue: Bool = false) throws(MediaError) -> VisualSource {
        // libvips reads the buffer in place: it must outlive every image built on it, up to the
        // copy into memory below.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, encoded.count), alignment: 16)
        defer { buffer.deallocate() }
        encoded.copyBytes(to: buffer)
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<encoded.count])
        guard ImageLoaderAllowlist.loader(forBuffer: bytes, configuration: configuration) != nil else {
            throw .unsupportedFormat("the embedded preview is not in an accepted image format")
        }
        let header = try LibvipsImage.make("cannot read the embedded preview", as: MediaError.corrupt) {
            sr_vips_open_buffer_header(bytes.baseAddress, bytes.count, $0)
        }
        try PixelLimit.check(width: header.width, height: header.height, pages: header.pageCount, limit: configuration.maxPixels)
        let size = PixelSize(width: header.width, height: header.height)
        let box = RenditionGeometry.decodeBox(source: size, scale: RenditionGeometry.decodeScale(source: size, recipes: recipes))
        let decoded = try LibvipsImage.make("cannot decode the embedded preview", as: MediaError.corrupt) {
            sr_vips_thumbnail_buffer(bytes.baseAddress, bytes.count, $0, Int32(box.width), Int32(box.height))
        }
        var srgb = try ColourNormalisation.toSRGB8(decoded)
        if swapRedAndBlue, srgb.bands >= 3 {
            srgb = try swapped(srgb)
        }
        let base = try srgb.inMemory(deadline: deadline) { .corrupt("cannot decode the embedded preview: \($0)") }
        return VisualSource(base: base, size: PixelSize(width: base.width, height: base.height))
    }

    /// Photoshop 4 thumbnails store BGR in a JPEG.
    private static func swapped(_ image: LibvipsImage) throws(MediaError) -> LibvipsImage {
        let pixels = try PixelBuffer.read(image)
        var bytes = pixels.bytes
        var index = 0
        while index + 2 < bytes.count {
            bytes.swapAt(index, index + 2)
            index += pixels.bands
        }
        return try LibvipsImage.make("swap red and blue") { output in
            bytes.withUnsafeBytes { sr_vips_image_from_memory($0.baseAddress, Int32(pixels.width), Int32(pixels.height),
                                                              Int32(pixels.bands), VIPS_FORMAT_UCHAR, VIPS_INTERPRETATION_sRGB, output) }
        }
    }
}
