internal import CVips
internal import CMediaShim

/// Brings any decoded image to 8-bit sRGB (plus alpha when present): CMYK through its embedded or
/// a fallback profile, 16-bit and greyscale through libvips' colourspace conversion. Embedded
/// profiles of wide-gamut RGB were already applied by the thumbnail's export to sRGB.
enum ColourNormalisation {
    static func toSRGB8(_ image: LibvipsImage) throws(MediaError) -> LibvipsImage {
        var image = image
        if image.interpretation == VIPS_INTERPRETATION_CMYK {
            let cmyk = image
            image = try LibvipsImage.make("CMYK to sRGB") { sr_vips_icc_to_srgb(cmyk.pointer, $0) }
        }
        if image.interpretation != VIPS_INTERPRETATION_sRGB || image.bandFormat != VIPS_FORMAT_UCHAR {
            let source = image
            if let converted = try? LibvipsImage.make("colourspace", { sr_vips_colourspace(source.pointer, $0, VIPS_INTERPRETATION_sRGB) }) {
                image = converted
            }
        }
        if image.bandFormat != VIPS_FORMAT_UCHAR {
            let source = image
            image = try LibvipsImage.make("cast to 8-bit") { sr_vips_cast_uchar(source.pointer, $0) }
        }
        if image.bands > 4 || image.bands == 2 {
            // Extra bands beyond RGBA (or grey + alpha left unconverted): keep what a browser shows.
            let source = image
            let keep: Int32 = image.bands >= 4 ? 4 : 1
            image = try LibvipsImage.make("extract bands") { sr_vips_extract_bands(source.pointer, $0, 0, keep) }
        }
        return image
    }
}
