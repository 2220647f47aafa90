import Foundation

/// What a share-link request wants of a file: shown by the page (`view/…`) or taken away
/// (`download/…`, the zip).
public enum SharedFileUse: Sendable, Equatable {
    case display
    case download
}

/// The terms a page shows an asset under: the longest edge a screen picture may have (the
/// pipeline's PREVIEW size) and whether the pipeline makes WATERMARKED proofs.
public struct ProofTerms: Sendable, Equatable {
    public var maxDisplayEdge: Int
    public var watermarkRecipe: Bool

    public init(maxDisplayEdge: Int, watermarkRecipe: Bool) {
        self.maxDisplayEdge = maxDisplayEdge
        self.watermarkRecipe = watermarkRecipe
    }

    /// When the pipeline cannot be read: the default PREVIEW edge, and proofs assumed watermarked.
    public static let failClosed = ProofTerms(maxDisplayEdge: 1600, watermarkRecipe: true)
}

/// The one rule for which renditions a page may show, on every route that returns them.
///
/// Shown are screen-size pictures only (thumbnails, PREVIEW, LOW_RES, WATERMARKED, the WAVEFORM,
/// and the PREVIEW_VIDEO proxy), none with an edge longer than the PREVIEW recipe's, and an audio
/// file's PREVIEW_AUDIO proxy (no pixels; at most the recipe's bitrate); never the original,
/// WEB_OPTIMIZED or the social crops, which are downloads. A VIEW link is a proof: where the
/// asset's pipeline has a WATERMARKED recipe (or the asset has such a rendition) it shows the
/// WATERMARKED rendition and nothing else.
public enum SharedFileRule {
    public static let displayTypes: Set<RenditionType> = [
        .thumbnailSmall, .thumbnailMedium, .thumbnailLarge, .preview, .lowRes, .watermarked, .previewVideo,
        .waveform, .previewAudio,
    ]

    public static func mayDisplay(_ rendition: Rendition, proofOnly: Bool, terms: ProofTerms) -> Bool {
        guard displayTypes.contains(rendition.renditionType), rendition.blobHash != nil else { return false }
        if proofOnly { return rendition.renditionType == .watermarked }
        if rendition.renditionType == .previewAudio { return true }
        guard let width = rendition.width, let height = rendition.height else { return false }
        return max(width, height) <= terms.maxDisplayEdge
    }

    /// Whether a link shows only watermarked proofs of this asset.
    public static func isProofOnly(_ link: ShareLink, asset: SharedAsset, terms: ProofTerms) -> Bool {
        link.accessLevel == .view && (terms.watermarkRecipe || asset.rendition(.watermarked) != nil)
    }

    /// Renditions for a grid tile, best first.
    static let tileOrder: [RenditionType] = [.thumbnailMedium, .thumbnailLarge, .thumbnailSmall, .lowRes, .preview, .watermarked]
    /// Renditions for the large view, best first.
    static let stageOrder: [RenditionType] = [.previewVideo, .previewAudio, .preview, .watermarked, .lowRes, .thumbnailLarge, .thumbnailMedium, .thumbnailSmall]
}

/// What the page of one asset may show through one link.
public struct SharedDisplay: Sendable, Equatable {
    public var proofOnly: Bool
    public var tile: Rendition?
    public var stage: Rendition?
    /// Every rendition type a `view/` request may fetch.
    public var allowed: Set<RenditionType>
    /// No tile yet, and one is being made: the grid shows a placeholder.
    public var tilePending: Bool
    /// A better picture for the large view than `stage` (or the first one) is still being made.
    public var stagePending: Bool

    public init(_ asset: SharedAsset, link: ShareLink, terms: ProofTerms) {
        let proofOnly = SharedFileRule.isProofOnly(link, asset: asset, terms: terms)
        self.proofOnly = proofOnly
        let shown = asset.renditions.filter { SharedFileRule.mayDisplay($0, proofOnly: proofOnly, terms: terms) }
        allowed = Set(shown.map(\.renditionType))
        let byType = Dictionary(shown.map { ($0.renditionType, $0) }, uniquingKeysWith: { a, _ in a })
        let tile = SharedFileRule.tileOrder.lazy.compactMap { byType[$0] }.first
        let stage = SharedFileRule.stageOrder.lazy.compactMap { byType[$0] }.first
        self.tile = tile
        self.stage = stage
        // Pending rows have no size yet; the display rule's types (or the proof alone) stand in.
        let waiting = asset.pendingRenditionTypes.filter { proofOnly ? $0 == .watermarked : SharedFileRule.displayTypes.contains($0) }
        tilePending = tile == nil && SharedFileRule.tileOrder.contains { waiting.contains($0) }
        let better = SharedFileRule.stageOrder.prefix { $0 != stage?.renditionType }
        stagePending = better.contains { waiting.contains($0) }
    }
}
