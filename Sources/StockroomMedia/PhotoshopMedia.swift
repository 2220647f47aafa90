import Foundation
internal import CVips
internal import CMediaShim

/// Photoshop PSD/PSB: described from `PhotoshopReader`, rendered from the flattened composite
/// (`PhotoshopComposite`), or from the embedded JPEG thumbnail when the composite is missing,
/// blank (saved without "maximize compatibility"), ZIP-compressed or damaged.
enum PhotoshopMedia {
    static func describe(path: String, configuration: MediaEngineConfiguration) throws(MediaError) -> MediaDescription {
        let bytes = try FileBytes.map(path)
        let psd = try PhotoshopReader.read(bytes, limits: configuration.documentLimits, maxPixels: configuration.maxPixels)
        let format = psd.isLarge ? "psb" : "psd"
        var description = MediaDescription(kind: .design, format: format, mimeType: "image/vnd.adobe.photoshop")
        let iccName = psd.icc.flatMap(ICCProfileDescription.read)
        let alpha = psd.hasMergedAlpha && psd.channels > psd.colorMode.colourChannels
        description.image = ImageInfo(width: psd.width, height: psd.height, bands: psd.colorMode.colourChannels + (alpha ? 1 : 0),
                                      bitDepth: psd.depth, colorSpace: psd.colorMode.name, iccProfileName: iccName, hasAlpha: alpha,
                                      pageCount: 1, orientation: 1, format: format)
        var design = DesignInfo(width: psd.width, height: psd.height)
        design.application = psd.writerName?.trimmedNonEmpty ?? "Adobe Photoshop"
        design.colorMode = psd.colorMode.name
        design.bitDepth = psd.depth
        design.channels = psd.channels
        design.layerCount = psd.layers.count
        design.layerNames = Array(psd.layers.prefix(configuration.documentLimits.maxLayerNames).map(\.name))
        design.groupCount = psd.layers.filter { $0.kind == .group }.count
        design.textLayerCount = psd.layers.filter { $0.kind == .text }.count
        design.artboardCount = psd.layers.filter(\.isArtboard).count
        design.fonts = psd.fonts
        design.resolution = psd.resolution
        design.hasComposite = bytes.count - psd.compositeOffset > 2 && psd.hasRealMergedData != false
        design.hasThumbnail = psd.thumbnail != nil
        design.iccProfileName = iccName
        description.xmp = psd.xmp.flatMap(XMPPacketParser.parse)
        description.iptc = psd.iptc.flatMap(IPTCParser.parse)
        description.exif = psd.exif.flatMap(ExifReader.read)
        design.title = description.xmp?.title ?? description.iptc?.objectName
        description.design = design
        if !psd.texts.isEmpty {
            var collector = TextCollector(limit: configuration.documentLimits.maxTextExtractBytes)
            for text in psd.texts { collector.add(paragraph: text) }
            description.textExtract = collector.extract()
        }
        return description
    }

    static func render(path: String, description: MediaDescription, recipes: [RenditionRecipe],
                       configuration: MediaEngineConfiguration, deadline: Deadline) throws(MediaError) -> [RenditionOutcome] {
        let bytes = try FileBytes.map(path)
        let psd = try PhotoshopReader.read(bytes, limits: configuration.documentLimits, maxPixels: configuration.maxPixels)
        let size = PixelSize(width: psd.width, height: psd.height)
        var source: VisualSource
        do throws(MediaError) {
            guard psd.hasRealMergedData != false || psd.thumbnail == nil else {
                throw .noVisualContent("saved without a merged image")
            }
            let scale = RenditionGeometry.decodeScale(source: size, recipes: recipes)
            let shrink = max(1, Int((1 / scale).rounded(.down)))
            let planes = try PhotoshopComposite.decode(psd, bytes: bytes, shrink: shrink, deadline: deadline)
            let image = try Self.image(planes, document: psd)
            let base = try image.inMemory(deadline: deadline) { .corrupt("cannot convert the PSD composite: \($0)") }
            source = VisualSource(base: base, size: size)
        } catch {
            if case .timedOut = error { throw error }
            guard let thumbnail = psd.thumbnail else { throw error }
            source = try EmbeddedPreview.visual(thumbnail, recipes: recipes, configuration: configuration, deadline: deadline,
                                                swapRedAndBlue: psd.thumbnailIsBGR)
        }
        return try RenditionPlan(base: source).render(recipes, rights: DerivativeRights(description: description), deadline: deadline)
    }

    /// The planes as an 8-bit sRGB libvips image: the embedded profile (or libvips' fallback for
    /// CMYK) applied, L*a*b* converted, grey kept grey until the final conversion.
    static func image(_ planes: PhotoshopComposite.Planes, document: PhotoshopDocument) throws(MediaError) -> LibvipsImage {
        let count = planes.planes.count
        let pixels = planes.width * planes.height
        var interpretation: VipsInterpretation
        switch document.colorMode {
        case .rgb, .indexed: interpretation = VIPS_INTERPRETATION_sRGB
        case .cmyk: interpretation = VIPS_INTERPRETATION_CMYK
        case .lab: interpretation = VIPS_INTERPRETATION_LAB
        case .grayscale, .bitmap, .duotone, .multichannel: interpretation = VIPS_INTERPRETATION_B_W
        }
        var image: LibvipsImage
        if document.colorMode == .lab {
            // L* 0…255 → 0…100, a* and b* 0…255 → -128…127.
            var lab = [Float](repeating: 0, count: pixels * 3)
            for index in 0..<pixels {
                lab[index * 3] = Float(planes.planes[0][index]) * 100 / 255
                lab[index * 3 + 1] = Float(planes.planes[1][index]) - 128
                lab[index * 3 + 2] = Float(planes.planes[2][index]) - 128
            }
            image = try LibvipsImage.make("PSD L*a*b* pixels") { output in
                lab.withUnsafeBytes { sr_vips_image_from_memory($0.baseAddress, Int32(planes.width), Int32(planes.height), 3,
                                                                VIPS_FORMAT_FLOAT, VIPS_INTERPRETATION_LAB, output) }
            }
        } else {
            var interleaved = [UInt8](repeating: 0, count: pixels * count)
            for (band, plane) in planes.planes.enumerated() {
                guard plane.count == pixels else { throw .corrupt("PSD: a composite plane has \(plane.count) of \(pixels) pixels") }
                var index = band
                for value in plane {
                    interleaved[index] = value
                    index += count
                }
            }
            image = try LibvipsImage.make("PSD pixels") { output in
                interleaved.withUnsafeBytes { sr_vips_image_from_memory($0.baseAddress, Int32(planes.width), Int32(planes.height),
                                                                        Int32(count), VIPS_FORMAT_UCHAR, interpretation, output) }
            }
            // 32-bit composites were already encoded from linear light to sRGB while decoding.
            if let icc = document.icc, document.colorMode != .indexed, document.depth != 32 {
                let tagged = try image.copy()
                tagged.setBlob("icc-profile-data", icc)
                if let converted = try? LibvipsImage.make("apply the embedded profile", { sr_vips_icc_to_srgb(tagged.pointer, $0) }) {
                    image = converted
                } else {
                    _ = LibvipsError.take()
                }
            }
        }
        return try ColourNormalisation.toSRGB8(image)
    }
}
