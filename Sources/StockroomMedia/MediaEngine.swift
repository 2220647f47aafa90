import Foundation

/// Limits and tuning of the media engine.
public struct MediaEngineConfiguration: Sendable, Equatable, Hashable, Codable {
    /// Refuse images whose width × height × pages exceed this, before decoding (decompression bombs).
    public var maxPixels: Int
    /// Abandon a file whose processing takes longer than this many seconds.
    public var timeLimitSeconds: Double
    /// libvips' own worker threads per operation; Stockroom's worker pool owns parallelism.
    public var vipsConcurrency: Int
    /// Accept SVG input (rasterized by librsvg; see Docs/media.md for what is guarded).
    public var allowSVG: Bool
    /// Accept PDF and PDF-compatible Illustrator input (poppler).
    public var allowPDF: Bool
    /// Pages, text, archive and font bounds for documents, design files and fonts.
    public var documentLimits: DocumentLimits

    public init(maxPixels: Int = 200_000_000, timeLimitSeconds: Double = 120, vipsConcurrency: Int = 1,
                allowSVG: Bool = true, allowPDF: Bool = true, documentLimits: DocumentLimits = DocumentLimits()) {
        self.maxPixels = maxPixels
        self.timeLimitSeconds = timeLimitSeconds
        self.vipsConcurrency = vipsConcurrency
        self.allowSVG = allowSVG
        self.allowPDF = allowPDF
        self.documentLimits = documentLimits
    }
}

/// The one door to libvips, libexif and libavformat. The domain asks it what a file is, what it
/// says about itself, and for renditions; it never sees a C type.
public protocol MediaEngine: Sendable {
    /// Identifies a file by its content (never its extension) and reads every field it can:
    /// image facts, EXIF, embedded XMP and IPTC, audio/video container and stream facts, or a
    /// document's, design file's or font's own fields and text.
    /// `sidecar` is an XMP file beside the original (`name.xmp`); its fields win over embedded XMP.
    func describe(fileAt url: URL, sidecar: URL?) throws(MediaError) -> MediaDescription

    /// Makes every recipe's rendition from one decode of the source (shrink-on-load to the largest
    /// size needed). Video uses a poster frame, audio its cover art (or its waveform), documents their first page,
    /// embedded thumbnail or a text card, fonts a specimen. Throws only when nothing can
    /// be rendered at all (undecodable, no visual content); per-recipe failures are outcomes.
    func render(fileAt url: URL, description: MediaDescription, recipes: [RenditionRecipe]) throws(MediaError) -> [RenditionOutcome]

    /// `render`, handing the outcomes of the recipes named in `first` to `deliverFirst` as soon
    /// as they are made, before the others are encoded, all from the same decode; returns the
    /// other recipes' outcomes. `deliverFirst` is called once, unless the call throws before
    /// (nothing could be rendered); a throw after it concerns only the others. Thumbnails first
    /// for a file with no other file waiting: its grid thumbnails are committed while the
    /// larger renditions are still being made (Docs/pipeline.md, "Thumbnails first").
    func render(fileAt url: URL, description: MediaDescription, recipes: [RenditionRecipe],
                deliveringFirst first: Set<String>, to deliverFirst: ([RenditionOutcome]) -> Void) throws(MediaError) -> [RenditionOutcome]

    /// Writes the PREVIEW_VIDEO proxy of a video file to `output` (an H.264/AAC MP4, see
    /// `VideoProxyRecipe`). Throws `noVisualContent` for a file without a video stream.
    func makeVideoProxy(fileAt url: URL, recipe: VideoProxyRecipe, to output: URL) throws(MediaError) -> VideoProxyFacts

    /// Writes the PREVIEW_AUDIO proxy of an audio file to `output` (AAC in MP4, see
    /// `AudioProxyRecipe`). Throws `noVisualContent` for a file without an audio stream.
    func makeAudioProxy(fileAt url: URL, recipe: AudioProxyRecipe, to output: URL) throws(MediaError) -> AudioProxyFacts

    /// Draws the WAVEFORM rendition of an audio file (its first audio stream, whole, mixed to
    /// mono; see `WaveformRecipe`). Throws `noVisualContent` for a file without an audio stream.
    func makeWaveform(fileAt url: URL, recipe: WaveformRecipe) throws(MediaError) -> RenderedImage
}

extension MediaEngine {
    /// Renders everything, then hands over the first recipes' outcomes: the order without the
    /// early delivery, for engines that cannot stream.
    public func render(fileAt url: URL, description: MediaDescription, recipes: [RenditionRecipe],
                       deliveringFirst first: Set<String>, to deliverFirst: ([RenditionOutcome]) -> Void) throws(MediaError) -> [RenditionOutcome] {
        let outcomes = try render(fileAt: url, description: description, recipes: recipes)
        let (early, rest) = RenditionOutcome.split(outcomes, first: first)
        deliverFirst(early)
        return rest
    }
}

extension RenditionOutcome {
    /// The recipe's name this outcome is for.
    public var recipeName: String {
        switch self {
        case let .rendered(image): image.name
        case let .failed(name, _): name
        }
    }

    /// The outcomes for the recipes named in `first`, and the others, each in their order.
    public static func split(_ outcomes: [RenditionOutcome], first: Set<String>) -> (first: [RenditionOutcome], rest: [RenditionOutcome]) {
        (outcomes.filter { first.contains($0.recipeName) }, outcomes.filter { !first.contains($0.recipeName) })
    }
}
