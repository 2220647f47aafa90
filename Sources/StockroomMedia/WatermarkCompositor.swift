import Foundation
internal import CVips
internal import CMediaShim

/// Draws a text or logo mark over a rendition at the recipe's position, scale and opacity.
enum WatermarkCompositor {
    static func apply(_ mark: Watermark, to image: LibvipsImage) throws(MediaError) -> LibvipsImage {
        let opacity = min(1, max(0, mark.opacity))
        let markWidth = max(8, min(image.width, Int(Double(image.width) * min(1, max(0.02, mark.scale)))))
        var overlay: LibvipsImage
        if let logoPath = mark.logoPath {
            overlay = try logo(at: logoPath, width: markWidth, opacity: opacity)
        } else if let text = mark.text, !text.isEmpty {
            overlay = try WatermarkText.overlay(text, width: markWidth, opacity: opacity)
        } else {
            return image
        }
        if overlay.width > image.width || overlay.height > image.height {
            let source = overlay
            overlay = try LibvipsImage.make("fit watermark") {
                sr_vips_thumbnail_image(source.pointer, $0, Int32(image.width), Int32(image.height), VIPS_INTERESTING_NONE, VIPS_SIZE_DOWN)
            }
        }

        let margin = max(4, min(image.width, image.height) / 40)
        let origin: (x: Int, y: Int)
        switch mark.position {
        case .center: origin = ((image.width - overlay.width) / 2, (image.height - overlay.height) / 2)
        case .topLeft: origin = (margin, margin)
        case .topRight: origin = (image.width - overlay.width - margin, margin)
        case .bottomLeft: origin = (margin, image.height - overlay.height - margin)
        case .bottomRight: origin = (image.width - overlay.width - margin, image.height - overlay.height - margin)
        case .tiled:
            overlay = try tiled(overlay, covering: image)
            origin = (0, 0)
        }
        let mark = overlay
        var result = try LibvipsImage.make("composite watermark") {
            sr_vips_composite_over(image.pointer, mark.pointer, $0, Int32(max(0, origin.x)), Int32(max(0, origin.y)))
        }
        if result.bandFormat != VIPS_FORMAT_UCHAR {
            let source = result
            result = try LibvipsImage.make("cast to 8-bit") { sr_vips_cast_uchar(source.pointer, $0) }
        }
        if !image.hasAlpha && result.bands > image.bands {
            let source = result
            result = try LibvipsImage.make("drop alpha") { sr_vips_extract_bands(source.pointer, $0, 0, Int32(image.bands)) }
        }
        return result
    }

    private static func logo(at path: String, width: Int, opacity: Double) throws(MediaError) -> LibvipsImage {
        let file = try LibvipsImage.make("cannot open watermark logo \(path)", as: MediaError.io) { sr_vips_open_file(path, $0) }
        let sized = try LibvipsImage.make("size watermark logo") {
            sr_vips_thumbnail_image(file.pointer, $0, Int32(width), 10_000_000, VIPS_INTERESTING_NONE, VIPS_SIZE_BOTH)
        }
        let srgb = try ColourNormalisation.toSRGB8(sized)
        return try LibvipsImage.make("fade watermark logo") { sr_vips_fade_alpha(srgb.pointer, $0, opacity) }
    }

    /// The mark repeated with gaps across the whole image.
    private static func tiled(_ overlay: LibvipsImage, covering image: LibvipsImage) throws(MediaError) -> LibvipsImage {
        let cellWidth = overlay.width + overlay.width / 2
        let cellHeight = overlay.height * 3
        let cell = try LibvipsImage.make("watermark tile") {
            sr_vips_embed(overlay.pointer, $0, Int32(overlay.width / 4), Int32(overlay.height), Int32(cellWidth), Int32(cellHeight))
        }
        let across = image.width / cellWidth + 1
        let down = image.height / cellHeight + 1
        let sheet = try LibvipsImage.make("watermark tiles") { sr_vips_replicate(cell.pointer, $0, Int32(across), Int32(down)) }
        return try LibvipsImage.make("crop watermark tiles") {
            sr_vips_crop(sheet.pointer, $0, 0, 0, Int32(image.width), Int32(image.height))
        }
    }
}
