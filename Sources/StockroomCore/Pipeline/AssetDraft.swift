import Foundation
import StockroomMedia

/// What the extract stage learned about a file, in catalog terms: the asset fields to set and the
/// tags to attach. The version stage turns it into a new asset, a new version, or a duplicate.
public struct AssetDraft: Sendable, Equatable {
    public var name: String
    public var assetType: AssetType
    public var mimeType: String
    public var byteSize: Int64
    public var blobHash: String
    public var metadata: JSONValue
    public var width: Int?
    public var height: Int?
    public var durationSeconds: Double?
    public var capturedAt: Date?
    public var cameraMake: String?
    public var cameraModel: String?
    public var lensModel: String?
    public var gpsLatitude: Double?
    public var gpsLongitude: Double?
    public var gpsAltitude: Double?
    public var videoCodec: String?
    public var audioCodec: String?
    public var frameRate: Double?
    public var sampleRate: Int?
    public var audioChannels: Int?
    public var bitRate: Int64?
    public var creator: String?
    public var description: String?
    public var copyrightHolder: String?
    public var copyrightYear: Int?
    public var usageRights: String?
    public var license: LicenseType?
    public var licenseDetails: JSONValue?
    public var tags: [String]
    /// Documents: pages (or a deck's slides, an Illustrator file's artboards) and words.
    public var pageCount: Int?
    public var wordCount: Int?
    /// Photoshop layers.
    public var layerCount: Int?
    /// Font families the asset is or uses.
    public var fonts: [AssetFont] = []
    /// The title and words that go into the full-text index (`text:` queries); the words are
    /// not copied into `metadata`.
    public var indexedTitle: String?
    public var indexedText: String?

    /// Maps the media engine's description to catalog fields.
    public init(description media: MediaDescription, fileName: String, blobHash: String, byteSize: Int64) {
        name = fileName
        mimeType = media.mimeType
        self.byteSize = byteSize
        self.blobHash = blobHash
        var stored = media
        stored.textExtract = nil
        metadata = (try? JSONValue.encoding(stored)) ?? .object([:])
        assetType = Self.classify(media)
        tags = []

        let exif = media.exif
        let xmp = media.xmp
        let iptc = media.iptc
        if let image = media.image {
            width = image.width
            height = image.height
        }
        capturedAt = exif?.capturedAt
        cameraMake = exif?.make?.trimmedNonEmpty
        cameraModel = exif?.model?.trimmedNonEmpty
        lensModel = exif?.lensModel?.trimmedNonEmpty
        gpsLatitude = exif?.gpsLatitude
        gpsLongitude = exif?.gpsLongitude
        gpsAltitude = exif?.gpsAltitude

        if let av = media.av {
            durationSeconds = av.durationSeconds
            bitRate = av.bitRate
            if let video = av.firstVideo {
                videoCodec = video.codec
                frameRate = video.frameRate
                if let w = video.width, let h = video.height {
                    let rotated = (video.rotation ?? 0) % 180 != 0
                    width = rotated ? h : w
                    height = rotated ? w : h
                }
            }
            if let audio = av.firstAudio {
                audioCodec = audio.codec
                sampleRate = audio.sampleRate
                audioChannels = audio.channels
            }
            if capturedAt == nil, let created = av.tags["creation_time"] { capturedAt = Self.parseISODate(created) }
        }

        applyDocumentFields(media)

        creator = xmp?.creators.first?.trimmedNonEmpty ?? iptc?.byline?.trimmedNonEmpty ?? exif?.artist?.trimmedNonEmpty
            ?? media.av?.tags["artist"]?.trimmedNonEmpty ?? media.document?.author?.trimmedNonEmpty
            ?? media.font?.designer?.trimmedNonEmpty
        description = xmp?.description?.trimmedNonEmpty ?? iptc?.caption?.trimmedNonEmpty ?? exif?.imageDescription?.trimmedNonEmpty
            ?? media.document?.subject?.trimmedNonEmpty ?? media.vector?.summary?.trimmedNonEmpty

        let rights = xmp?.rights?.trimmedNonEmpty ?? iptc?.copyrightNotice?.trimmedNonEmpty ?? exif?.copyright?.trimmedNonEmpty
            ?? media.av?.tags["copyright"]?.trimmedNonEmpty ?? media.font?.copyright?.trimmedNonEmpty
        if let rights {
            let parsed = Self.parseCopyright(rights)
            copyrightHolder = parsed.holder
            copyrightYear = parsed.year
        }
        usageRights = xmp?.usageTerms?.trimmedNonEmpty
        if let statement = xmp?.webStatement?.trimmedNonEmpty {
            licenseDetails = .object(["webStatement": .string(statement)])
            if statement.lowercased().contains("creativecommons.org") { license = .creativeCommons }
        }
        if license == nil, xmp?.marked == false { license = .creativeCommons }

        var seen = Set<String>()
        for keyword in (xmp?.keywords ?? []) + (iptc?.keywords ?? []) + (media.document?.keywords ?? []) {
            let cleaned = Tag.clean(keyword)
            guard !cleaned.isEmpty, seen.insert(cleaned.lowercased()).inserted else { continue }
            tags.append(cleaned)
        }
    }

    /// Sorts media into the spec's asset types from what the file is, not its name. Documents
    /// and logos follow `DocumentClassification` (Docs/schema.md states the rules).
    static func classify(_ media: MediaDescription) -> AssetType {
        switch media.kind {
        case .video:
            return .videoRaw
        case .audio:
            let tags = media.av?.tags ?? [:]
            if tags["artist"] != nil || tags["album"] != nil || media.av?.hasCoverArt == true { return .audioMusic }
            if let d = media.av?.durationSeconds, d < 15 { return .audioSfx }
            return .audioMusic
        case .image:
            if media.exif?.make != nil || media.exif?.model != nil { return .imagePhoto }
            if DocumentClassification.isLogo(media) { return .imageLogo }
            if let image = media.image, max(image.width, image.height) <= 256, image.width == image.height { return .imageIcon }
            switch media.format {
            case "jpeg", "heif", "tiff": return .imagePhoto
            default: return .imageGraphic
            }
        case .document:
            return DocumentClassification.documentType(media)
        case .design:
            return media.document?.isTemplate == true ? .designTemplate : .designSource
        case .font:
            return .font
        }
    }

    /// "© 2024 Jane Doe", "Copyright 2023 ACME Ltd." → ("Jane Doe", 2024).
    static func parseCopyright(_ text: String) -> (holder: String?, year: Int?) {
        var rest = text
        for marker in ["©", "(c)", "(C)", "Copyright", "copyright", "COPYRIGHT"] {
            rest = rest.replacingOccurrences(of: marker, with: " ")
        }
        var year: Int?
        let words = rest.split(separator: " ", omittingEmptySubsequences: true)
        var holderWords: [Substring] = []
        for word in words {
            let digits = word.trimmingCharacters(in: CharacterSet(charactersIn: ",.;"))
            if year == nil, digits.count == 4, let y = Int(digits), (1800...2200).contains(y) { year = y; continue }
            holderWords.append(word)
        }
        let holder = holderWords.joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: " ,.;-"))
        return (holder.isEmpty ? nil : holder, year)
    }

    /// Pages, words, layers, fonts, size and the index text of documents, design files and fonts.
    private mutating func applyDocumentFields(_ media: MediaDescription) {
        var fonts: [AssetFont] = []
        if let document = media.document {
            pageCount = document.pageCount ?? document.slideCount
            wordCount = document.wordCount
            fonts += document.fonts.map { AssetFont(family: $0, role: .used) }
            if width == nil, let w = document.pageWidth, let h = document.pageHeight, w.isFinite, h.isFinite {
                width = Int(w.rounded())
                height = Int(h.rounded())
            }
        }
        if let design = media.design {
            if media.format == "psd" || media.format == "psb" { layerCount = design.layerCount }
            fonts += design.fonts.map { AssetFont(family: $0, role: .used) }
            if width == nil, design.width > 0, design.height > 0 {
                width = design.width
                height = design.height
            }
        }
        if let font = media.font {
            fonts.append(AssetFont(family: font.family, role: .face))
        }
        var seen = Set<String>()
        self.fonts = fonts.filter { !$0.family.isEmpty && seen.insert($0.normalized).inserted }.prefix(256).map { $0 }
        indexedTitle = (media.document?.title ?? media.design?.title ?? media.vector?.title ?? media.font?.fullName)?.trimmedNonEmpty
        indexedText = media.textExtract?.text.trimmedNonEmpty
    }

    static func parseISODate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = formatter.date(from: text) { return d }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

extension String {
    var trimmedNonEmpty: String? {
        let t = trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\0")))
        return t.isEmpty ? nil : t
    }
}
