import Foundation
internal import CVips
internal import CMediaShim

/// The background a transparent mark is flattened on for formats without alpha (JPEG): white,
/// unless the visible pixels are themselves so light that they would vanish on white (a white
/// logo for dark backgrounds), then charcoal.
enum Matte {
    /// Mean luma of the visible pixels (weighted by alpha), 0…255, above which a mark is "light".
    static let lightLuma = 200.0

    static func behind(_ image: LibvipsImage) throws(MediaError) -> RenditionPlan.Colour {
        guard image.hasAlpha, image.bands == 4 else { return .white }
        let small = try LibvipsImage.make("sample for the matte") {
            sr_vips_thumbnail_image(image.pointer, $0, 64, 64, VIPS_INTERESTING_NONE, VIPS_SIZE_DOWN)
        }
        let pixels = try PixelBuffer.read(small)
        guard pixels.bands == 4 else { return .white }
        var weighted = 0.0
        var coverage = 0.0
        pixels.bytes.withUnsafeBufferPointer { values in
            var index = 0
            while index + 3 < values.count {
                let alpha = Double(values[index + 3]) / 255
                let luma = 0.2126 * Double(values[index]) + 0.7152 * Double(values[index + 1]) + 0.0722 * Double(values[index + 2])
                weighted += luma * alpha
                coverage += alpha
                index += 4
            }
        }
        guard coverage > 0.5 else { return .white }
        return weighted / coverage > lightLuma ? .charcoal : .white
    }
}

/// An 8-bit image's pixels copied out of libvips, interleaved.
struct PixelBuffer {
    var width: Int
    var height: Int
    var bands: Int
    var bytes: [UInt8]

    static func read(_ image: LibvipsImage) throws(MediaError) -> PixelBuffer {
        let source: LibvipsImage
        if image.bandFormat == VIPS_FORMAT_UCHAR {
            source = image
        } else {
            source = try LibvipsImage.make("cast to 8-bit") { sr_vips_cast_uchar(image.pointer, $0) }
        }
        var data: UnsafeMutableRawPointer?
        var size = 0
        guard sr_vips_write_to_memory(source.pointer, &data, &size) == 0, let data else {
            throw .vips("cannot read pixels: \(LibvipsError.take())")
        }
        defer { g_free(data) }
        let bytes = [UInt8](UnsafeRawBufferPointer(start: data, count: size))
        return PixelBuffer(width: source.width, height: source.height, bands: source.bands, bytes: bytes)
    }
}
