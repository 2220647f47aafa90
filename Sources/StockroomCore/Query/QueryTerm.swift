import Foundation

/// One filter of a query, already validated: `tag:summer`, `width:>=3000`, a free-text word.
public enum QueryTerm: Equatable, Sendable {
    /// Normalized tag; also matches its descendants (`brand` finds `brand/logo`).
    case tag(String)
    /// Any of these asset types (`type:image` expands to every IMAGE_* type).
    case type([AssetType])
    /// Folder path in any library; `subtree` includes the folder and everything under it.
    case folder(path: String, subtree: Bool)
    case library(slug: String)
    /// A `*`/`?` glob on the asset's name, case-insensitive.
    case name(glob: String)
    case status(AssetStatus)
    /// `nil` matches assets with no license recorded.
    case license(LicenseType?)
    case expires(QueryComparison, QueryDate)
    /// License end date is in the past.
    case expired
    /// No license end date recorded.
    case expiresNone
    case captured(QueryComparison, QueryDate)
    /// Substring of camera make + model, case-insensitive.
    case camera(String)
    case width(QueryComparison, Int)
    case height(QueryComparison, Int)
    case duration(QueryComparison, Double)
    /// `nil`: copyright holder missing or blank; otherwise a substring of it.
    case copyright(String?)
    case collection(slug: String)
    /// Substring of the name, description or a tag name.
    case text(String)
    /// A phrase (or a `prefix*`) in the full-text index of titles and extracted text, ranked by
    /// relevance when the search sorts by it.
    case fullText(String)
    /// Page count (a deck's slides, an Illustrator file's artboards).
    case pages(QueryComparison, Int)
    case words(QueryComparison, Int)
    /// Photoshop layers.
    case layers(QueryComparison, Int)
    /// Substring of a font family the asset is or uses, case-insensitive.
    case font(String)
}
