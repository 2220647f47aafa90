import Foundation
internal import CMediaShim
internal import CVips

/// The media engine over libvips, libexif and libavformat/libavcodec.
///
/// Stateless after initialisation: safe to call from several threads at once (each call owns its
/// libvips images and libav contexts; libvips is thread-safe per image).
public final class LibMediaEngine: MediaEngine {
    public let configuration: MediaEngineConfiguration

    public init(configuration: MediaEngineConfiguration = MediaEngineConfiguration()) throws(MediaError) {
        self.configuration = configuration
        if sr_vips_init("stockroom", Int32(max(1, configuration.vipsConcurrency))) != 0 {
            throw .vips("cannot initialise libvips: \(LibvipsError.take())")
        }
        ImageLoaderAllowlist.unblock(svg: configuration.allowSVG, pdf: configuration.allowPDF)
        sr_av_init()
    }

    public func describe(fileAt url: URL, sidecar: URL?) throws(MediaError) -> MediaDescription {
        let deadline = Deadline(seconds: configuration.timeLimitSeconds)
        var description: MediaDescription
        switch try identify(url) {
        case let .image(path, format):
            description = try ImageDescriber.describe(ImageFile(path: path, loaderFormat: format, configuration: configuration))
        case let .audioVisual(path):
            description = try AVProbe.describe(AVInput(path: path, deadline: deadline))
        case let .document(format, path):
            description = try DocumentMedia.describe(format, path: path, configuration: configuration, deadline: deadline)
        }
        if let sidecar {
            description.xmp = XMPPacketParser.merge(embedded: description.xmp, sidecar: XMPPacketParser.parse(fileAt: sidecar))
        }
        return description
    }

    public func render(fileAt url: URL, description: MediaDescription, recipes: [RenditionRecipe]) throws(MediaError) -> [RenditionOutcome] {
        try render(fileAt: url, description: description, recipes: recipes, deliveringFirst: [], to: { _ in })
    }

    public func render(fileAt url: URL, description: MediaDescription, recipes: [RenditionRecipe],
                       deliveringFirst first: Set<String>, to deliverFirst: ([RenditionOutcome]) -> Void) throws(MediaError) -> [RenditionOutcome] {
        guard !recipes.isEmpty else {
            deliverFirst([])
            return []
        }
        let deadline = Deadline(seconds: configuration.timeLimitSeconds)
        let source: VisualSource
        switch try identify(url) {
        case let .image(path, format):
            source = try VisualSource.image(ImageFile(path: path, loaderFormat: format, configuration: configuration),
                                            recipes: recipes, deadline: deadline)
        case let .audioVisual(path):
            source = try VisualSource.audioVisual(AVInput(path: path, deadline: deadline, maxPixels: configuration.maxPixels), recipes: recipes,
                                                  configuration: configuration)
        case let .document(format, path):
            // Pages are drawn per group of recipes: the first ones are handed over at the end.
            let outcomes = try DocumentMedia.render(format, path: path, description: description, recipes: recipes,
                                                    configuration: configuration, deadline: deadline)
            let (early, rest) = RenditionOutcome.split(outcomes, first: first)
            deliverFirst(early)
            return rest
        }
        let maker = RenditionMaker(deadline: deadline, rights: DerivativeRights(description: description))
        return try maker.render(base: source.base, source: source.size, recipes: recipes, deliveringFirst: first, to: deliverFirst)
    }

    public func makeVideoProxy(fileAt url: URL, recipe: VideoProxyRecipe, to output: URL) throws(MediaError) -> VideoProxyFacts {
        guard case let .audioVisual(path) = try identify(url) else {
            throw .noVisualContent("only video files get a preview video")
        }
        let deadline = Deadline(seconds: configuration.timeLimitSeconds)
        return try VideoProxyEncoder.encode(AVInput(path: path, deadline: deadline, maxPixels: configuration.maxPixels), recipe: recipe, to: output)
    }

    public func makeAudioProxy(fileAt url: URL, recipe: AudioProxyRecipe, to output: URL) throws(MediaError) -> AudioProxyFacts {
        guard case let .audioVisual(path) = try identify(url) else {
            throw .noVisualContent("only audio files get a preview audio")
        }
        let deadline = Deadline(seconds: configuration.timeLimitSeconds)
        return try AudioProxyEncoder.encode(AVInput(path: path, deadline: deadline), recipe: recipe, to: output)
    }

    public func makeWaveform(fileAt url: URL, recipe: WaveformRecipe) throws(MediaError) -> RenderedImage {
        guard case let .audioVisual(path) = try identify(url) else {
            throw .noVisualContent("only audio files get a waveform")
        }
        let deadline = Deadline(seconds: configuration.timeLimitSeconds)
        return try WaveformPicture.render(AVInput(path: path, deadline: deadline), recipe: recipe)
    }

    private enum Identification {
        case image(path: String, format: String)
        case audioVisual(path: String)
        case document(DocumentFormat, path: String)
    }

    /// By content only: the allowed libvips loaders' sniffers (SVG and PDF go to the document
    /// readers), the signatures of Photoshop, ZIP (Office), font and PostScript files, then
    /// plain text, then libavformat's probe limited to the demuxer allowlist (which refuses
    /// whatever none of them recognises).
    private func identify(_ url: URL) throws(MediaError) -> Identification {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw .io("no such file: \(path)")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw .io("cannot read \(path)")
        }
        // Stale messages from earlier calls would otherwise be blamed on this file.
        sr_vips_clear_error()
        if let loader = ImageLoaderAllowlist.loader(forFileAt: path, configuration: configuration) {
            switch loader.format {
            case "pdf": return .document(.pdf, path: path)
            case "svg": return .document(.svg, path: path)
            default: return .image(path: path, format: loader.format)
            }
        }
        if let refused = ImageLoaderAllowlist.refusedDocumentLoader(forFileAt: path, configuration: configuration) {
            throw .unsupportedFormat("\(refused.format.uppercased()) input is turned off in this configuration")
        }
        let head = Self.head(of: path)
        if let format = DocumentFormat.bySignature(head) {
            return .document(format, path: path)
        }
        if DocumentFormat.isText(head) {
            return .document(.text, path: path)
        }
        return .audioVisual(path: path)
    }

    /// The first 64 KiB, for signatures and the text check.
    private static func head(of path: String) -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else { return Data() }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 64 << 10)) ?? Data()
    }
}
