import Foundation
internal import CMediaShim
internal import CVips

/// Draws waveform levels as bars, one per pixel column, and hands the pixels to libvips.
enum WaveformPicture {
    /// RGB (or RGBA when the background is not opaque) pixels, `width` × `height`.
    static func pixels(_ levels: WaveformLevels, width: Int, height: Int, colour: RGBAColour, rmsColour: RGBAColour,
                       background: RGBAColour) -> (bytes: [UInt8], bands: Int) {
        let bands = background.alpha == 255 ? 3 : 4
        var bytes = [UInt8](repeating: 0, count: width * height * bands)
        func paint(_ x: Int, _ top: Int, _ bottom: Int, _ c: RGBAColour) {
            guard top < bottom else { return }
            for y in max(0, top)..<min(height, bottom) {
                let i = (y * width + x) * bands
                bytes[i] = c.red
                bytes[i + 1] = c.green
                bytes[i + 2] = c.blue
                if bands == 4 { bytes[i + 3] = c.alpha }
            }
        }
        for x in 0..<width { paint(x, 0, height, background) }
        let columns = levels.peaks.count
        guard columns > 0 else { return (bytes, bands) }
        let half = Double(height) / 2
        // Half a pixel at least each way: silence draws the two middle rows.
        func span(_ level: Float) -> (Int, Int) {
            let reach = max(Double(min(max(level, 0), 1)) * half, 0.5)
            return (Int((half - reach).rounded(.down)), Int((half + reach).rounded(.up)))
        }
        for x in 0..<width {
            let column = min(columns - 1, x * columns / width)
            let (peakTop, peakBottom) = span(levels.peaks[column])
            paint(x, peakTop, peakBottom, colour)
            let (rmsTop, rmsBottom) = span(levels.rms[column])
            paint(x, rmsTop, rmsBottom, rmsColour)
        }
        return (bytes, bands)
    }

    static func image(_ levels: WaveformLevels, width: Int, height: Int, colour: RGBAColour, rmsColour: RGBAColour,
                      background: RGBAColour) throws(MediaError) -> LibvipsImage {
        let (bytes, bands) = pixels(levels, width: width, height: height, colour: colour, rmsColour: rmsColour, background: background)
        return try LibvipsImage.make("waveform") { output in
            bytes.withUnsafeBytes { sr_vips_image_from_pixels($0.baseAddress, Int32(width), Int32(height), Int32(bands), output) }
        }
    }

    /// The WAVEFORM rendition of an opened audio file.
    static func render(_ input: AVInput, recipe: WaveformRecipe) throws(MediaError) -> RenderedImage {
        guard WaveformRecipe.widths.contains(recipe.width), WaveformRecipe.heights.contains(recipe.height),
              WaveformRecipe.formats.contains(recipe.format) else {
            throw .unsupportedFormat("a waveform of \(recipe.width)×\(recipe.height) as \(recipe.format.rawValue)")
        }
        let levels = try WaveformLevels.read(input, columns: recipe.width)
        let picture = try image(levels, width: recipe.width, height: recipe.height, colour: recipe.colour,
                                rmsColour: recipe.rmsColour, background: recipe.background)
        let data = try RenditionEncoder.encode(picture, format: recipe.format, quality: recipe.quality, strip: true, deadline: input.deadline)
        return RenderedImage(name: "WAVEFORM", data: data, width: recipe.width, height: recipe.height, format: recipe.format,
                             quality: recipe.quality)
    }

    /// The picture thumbnails of an audio file without cover art are made from: the waveform in
    /// the default WAVEFORM look, 2:1, wide enough for the largest recipe (at most 2048 pixels).
    static func thumbnailSource(_ input: AVInput, recipes: [RenditionRecipe]) throws(MediaError) -> LibvipsImage {
        let widest = recipes.map { max($0.width, $0.height ?? 0) }.max() ?? 600
        let width = min(2048, max(64, widest))
        let look = WaveformRecipe()
        let levels = try WaveformLevels.read(input, columns: width)
        return try image(levels, width: width, height: width / 2, colour: look.colour, rmsColour: look.rmsColour, background: look.background)
    }
}
