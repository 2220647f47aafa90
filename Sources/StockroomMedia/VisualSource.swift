import Foundation
internal import CVips
internal import CMediaShim
internal import CAVFormat

/// The one decode of an asset that every rendition is cut from: upright, 8-bit sRGB, in memory,
/// at the smallest scale that still serves the largest recipe. `size` is the full displayed size
/// of the source, which bounds every rendition (nothing is upscaled).
struct VisualSource {
    let base: LibvipsImage
    let size: PixelSize

    /// Shrink-on-load (JPEG DCT scaling, WebP/HEIF/PDF reduced decode), EXIF auto-rotation and
    /// embedded-profile import in libvips' thumbnail; the first page of animations.
    static func image(_ file: ImageFile, recipes: [RenditionRecipe], deadline: Deadline) throws(MediaError) -> VisualSource {
        let size = file.displayedSize
        let scale = RenditionGeometry.decodeScale(source: size, recipes: recipes)
        try deadline.check()
        if file.format == "jpeg" {
            return try jpeg(file, shrink: RenditionGeometry.jpegShrink(source: size, scale: scale), deadline: deadline)
        }
        let box = RenditionGeometry.decodeBox(source: size, scale: scale)
        // Without an embedded profile the pixels are taken as sRGB already (CMYK gets a fallback
        // profile in the export, other spaces are converted below).
        let exportSRGB = file.header.has("icc-profile-data") || file.header.interpretation == VIPS_INTERPRETATION_CMYK
        let decoded = try LibvipsImage.make("cannot decode the \(file.format) image", as: MediaError.corrupt) {
            sr_vips_thumbnail_file(file.path, $0, Int32(box.width), Int32(box.height), 1, exportSRGB ? 1 : 0)
        }
        let srgb = try ColourNormalisation.toSRGB8(decoded)
        let base = try srgb.inMemory(deadline: deadline) { .corrupt("cannot decode the \(file.format) image: \($0)") }
        return VisualSource(base: base, size: size)
    }

    /// A JPEG decoded by libjpeg at the DCT scale (1/2, 1/4, 1/8) that still serves every recipe,
    /// and not resampled further: the cascade's first resample starts from it. libvips' thumbnail
    /// (8.14) shrinks on load only well below its target, so asked for 3000×2000 of a 24 MP photo
    /// it decodes at full size and reduces 24 MP (0.39 CPU s); this decodes at 1/2 (0.15 s).
    private static func jpeg(_ file: ImageFile, shrink: Int, deadline: Deadline) throws(MediaError) -> VisualSource {
        let decoded = try LibvipsImage.make("cannot decode the jpeg image", as: MediaError.corrupt) {
            sr_vips_jpegload_shrink(file.path, $0, Int32(shrink), 1)
        }
        // As the thumbnail path: a profile (or CMYK) is converted to sRGB, untagged pixels are sRGB.
        var image = decoded
        if file.header.has("icc-profile-data") || file.header.interpretation == VIPS_INTERPRETATION_CMYK {
            image = try LibvipsImage.make("cannot convert the jpeg image to sRGB", as: MediaError.corrupt) {
                sr_vips_icc_to_srgb(decoded.pointer, $0)
            }
        }
        let srgb = try ColourNormalisation.toSRGB8(image)
        var base = try srgb.inMemory(deadline: deadline) { .corrupt("cannot decode the jpeg image: \($0)") }
        if (2...8).contains(base.orientation) {
            let stored = base
            let upright = try LibvipsImage.make("rotate the jpeg image") { sr_vips_autorot(stored.pointer, $0) }
            base = try upright.inMemory(deadline: deadline) { .vips("cannot rotate the jpeg image: \($0)") }
        }
        return VisualSource(base: base, size: file.displayedSize)
    }

    /// A poster frame for video; the cover art for audio, or, without cover art, its waveform
    /// (`WaveformPicture.thumbnailSource`), so an audio file's tile shows what it sounds like.
    static func audioVisual(_ input: AVInput, recipes: [RenditionRecipe], configuration: MediaEngineConfiguration) throws(MediaError) -> VisualSource {
        let video = input.streams.first { stream in
            stream.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO && sr_av_is_attached_picture(stream) == 0
        }
        if let video {
            return try posterFrame(input, rotation: Int(sr_av_stream_rotation(video)), recipes: recipes, configuration: configuration)
        }
        guard let art = input.coverArt() else {
            let waveform: LibvipsImage
            do throws(MediaError) {
                waveform = try WaveformPicture.thumbnailSource(input, recipes: recipes)
            } catch {
                if case .timedOut = error { throw error }
                // Audio that does not decode has nothing to show; its WAVEFORM rendition records why.
                throw .noVisualContent("audio file without cover art whose audio does not decode (\(error.description))")
            }
            let base = try waveform.inMemory(deadline: input.deadline) { .vips("cannot draw the waveform: \($0)") }
            return VisualSource(base: base, size: PixelSize(width: base.width, height: base.height))
        }
        return try coverArt(art, recipes: recipes, configuration: configuration, deadline: input.deadline)
    }

    private static func posterFrame(_ input: AVInput, rotation: Int, recipes: [RenditionRecipe],
                                    configuration: MediaEngineConfiguration) throws(MediaError) -> VisualSource {
        let frame = try input.posterFrame()
        try PixelLimit.check(width: frame.size.width, height: frame.size.height, pages: 1, limit: configuration.maxPixels)
        var image = try LibvipsImage.make("poster frame") { output in
            frame.pixels.withUnsafeBytes { pixels in
                sr_vips_image_from_pixels(pixels.baseAddress, Int32(frame.size.width), Int32(frame.size.height), 3, output)
            }
        }
        // Phones record sideways and store the turn in the display matrix.
        let angle: VipsAngle? = switch rotation {
        case 90: VIPS_ANGLE_D90
        case 180: VIPS_ANGLE_D180
        case 270: VIPS_ANGLE_D270
        default: nil
        }
        if let angle {
            let unrotated = image
            image = try LibvipsImage.make("rotate poster frame") { sr_vips_rot(unrotated.pointer, $0, angle) }
        }
        let size = PixelSize(width: image.width, height: image.height)
        let box = RenditionGeometry.decodeBox(source: size, scale: RenditionGeometry.decodeScale(source: size, recipes: recipes))
        let full = image
        let scaled = try LibvipsImage.make("scale poster frame") {
            sr_vips_thumbnail_image(full.pointer, $0, Int32(box.width), Int32(box.height), VIPS_INTERESTING_NONE, VIPS_SIZE_DOWN)
        }
        let base = try scaled.inMemory(deadline: input.deadline) { .vips("cannot scale the poster frame: \($0)") }
        return VisualSource(base: base, size: size)
    }

    private static func coverArt(_ art: Data, recipes: [RenditionRecipe], configuration: MediaEngineConfiguration,
                                 deadline: Deadline) throws(MediaError) -> VisualSource {
        // libvips reads the buffer in place: it must outlive every image built on it, up to the
        // copy into memory below.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: art.count, alignment: 16)
        defer { buffer.deallocate() }
        art.copyBytes(to: buffer)
        guard ImageLoaderAllowlist.loader(forBuffer: UnsafeRawBufferPointer(buffer), configuration: configuration) != nil else {
            throw .unsupportedFormat("the cover art is not in an accepted image format")
        }
        let header = try LibvipsImage.make("cannot read the cover art", as: MediaError.corrupt) {
            sr_vips_open_buffer_header(buffer.baseAddress, buffer.count, $0)
        }
        try PixelLimit.check(width: header.width, height: header.height, pages: header.pageCount, limit: configuration.maxPixels)
        let size = (5...8).contains(header.orientation)
            ? PixelSize(width: header.height, height: header.width)
            : PixelSize(width: header.width, height: header.height)
        let box = RenditionGeometry.decodeBox(source: size, scale: RenditionGeometry.decodeScale(source: size, recipes: recipes))
        let decoded = try LibvipsImage.make("cannot decode the cover art", as: MediaError.corrupt) {
            sr_vips_thumbnail_buffer(buffer.baseAddress, buffer.count, $0, Int32(box.width), Int32(box.height))
        }
        let srgb = try ColourNormalisation.toSRGB8(decoded)
        let base = try srgb.inMemory(deadline: deadline) { .corrupt("cannot decode the cover art: \($0)") }
        return VisualSource(base: base, size: size)
    }
}
