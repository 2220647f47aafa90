import Foundation

/// How to make one derived image. The pipeline builds these from `Pipelines/*.yml`.
public struct RenditionRecipe: Sendable, Codable, Hashable {
    /// The rendition's name, e.g. "THUMBNAIL_SMALL"; echoed back in results.
    public var name: String
    /// Target box. With `.inside`, the longest edge fits `width`×`height` (height defaults to width).
    /// With `.cover`, the output is exactly `width`×`height`, cropped by `crop`.
    public var width: Int
    public var height: Int?
    public var fit: Fit
    public var crop: CropStrategy
    public var format: ImageFormat
    /// 1–100 for lossy formats.
    public var quality: Int
    /// Encoder effort for WebP (0–6, default 4) and AVIF (0–9, default 2): lower is faster, higher
    /// makes smaller files at the same quality. Nil keeps the default (and the recipe hash).
    public var effort: Int?
    /// JPEG only: write a progressive JPEG (drawn coarse to fine, about 3 % smaller) instead of a
    /// baseline one, at about twice the encoding CPU; the pixels are the same. Nil is baseline
    /// (and keeps the recipe hash).
    public var progressive: Bool?
    /// Keep the copyright/artist fields in the derivative (everything else is stripped).
    public var keepCopyright: Bool
    public var watermark: Watermark?
    /// Multi-page documents (PDF): lay out the first `pages` pages on one image (a contact
    /// sheet, see Docs/media.md); nil or 1 shows the first page. Other sources ignore it.
    public var pages: Int?

    public enum Fit: String, Sendable, Codable, Hashable { case inside, cover }
    public enum CropStrategy: String, Sendable, Codable, Hashable { case attention, entropy, centre }
    public enum ImageFormat: String, Sendable, Codable, Hashable, CaseIterable {
        case jpeg, webp, png, avif

        /// The encoder efforts the format accepts, or nil when it has no such setting.
        public var efforts: ClosedRange<Int>? {
            switch self {
            case .webp: 0...6
            case .avif: 0...9
            case .jpeg, .png: nil
            }
        }

        /// The effort used when a recipe sets none: libvips' default for WebP; for AVIF 2, below
        /// libvips' default of 4, because AV1 encoding is slow.
        var defaultEffort: Int {
            switch self {
            case .webp: 4
            case .avif: 2
            case .jpeg, .png: 0
            }
        }
    }

    public init(name: String, width: Int, height: Int? = nil, fit: Fit = .inside, crop: CropStrategy = .attention,
                format: ImageFormat = .jpeg, quality: Int = 82, effort: Int? = nil, progressive: Bool? = nil, keepCopyright: Bool = true,
                watermark: Watermark? = nil, pages: Int? = nil) {
        self.name = name
        self.width = width
        self.height = height
        self.fit = fit
        self.crop = crop
        self.format = format
        self.quality = quality
        self.effort = effort
        self.progressive = progressive
        self.keepCopyright = keepCopyright
        self.watermark = watermark
        self.pages = pages
    }
}

/// A text or logo overlay.
public struct Watermark: Sendable, Codable, Hashable {
    public enum Position: String, Sendable, Codable, Hashable { case center, bottomRight, bottomLeft, topRight, topLeft, tiled }
    /// Text to draw (e.g. "© Stockroom — PROOF"); used when `logoPath` is nil.
    public var text: String?
    /// A PNG with alpha to composite instead of text.
    public var logoPath: String?
    /// 0…1.
    public var opacity: Double
    public var position: Position
    /// Size of the mark as a fraction of the output's width (0…1).
    public var scale: Double

    public init(text: String? = nil, logoPath: String? = nil, opacity: Double = 0.35, position: Position = .center, scale: Double = 0.5) {
        self.text = text
        self.logoPath = logoPath
        self.opacity = opacity
        self.position = position
        self.scale = scale
    }
}

/// One finished rendition: encoded bytes and their facts.
public struct RenderedImage: Sendable, Equatable {
    public var name: String
    public var data: Data
    public var width: Int
    public var height: Int
    public var format: RenditionRecipe.ImageFormat
    public var quality: Int

    public init(name: String, data: Data, width: Int, height: Int, format: RenditionRecipe.ImageFormat, quality: Int) {
        self.name = name
        self.data = data
        self.width = width
        self.height = height
        self.format = format
        self.quality = quality
    }
}

/// Per-recipe result: one failed recipe does not lose the others.
public enum RenditionOutcome: Sendable, Equatable {
    case rendered(RenderedImage)
    case failed(name: String, reason: String)
}
