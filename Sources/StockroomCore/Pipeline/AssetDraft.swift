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

    /// Maps the media engine's description to catalog fields.
    public init(description media: MediaDescription, fileName: String, blobHash: String, byteSize: Int64) {
        name = fileName
        mimeType = media.mimeType
        self.byteSize = byteSize
        self.blobHash = blobHash
        metadata = (try? JSONValue.encoding(media)) ?? .object([:])
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

        creator = xmp?.creators.first?.trimmedNonEmpty ?? iptc?.byline?.trimmedNonEmpty ?? exif?.artist?.trimmedNonEmpty
            ?? media.av?.tags["artist"]?.trimmedNonEmpty
        description = xmp?.description?.trimmedNonEmpty ?? iptc?.caption?.trimmedNonEmpty ?? exif?.imageDescription?.trimmedNonEmpty

        let rights = xmp?.rights?.trimmedNonEmpty ?? iptc?.copyrightNotice?.trimmedNonEmpty ?? exif?.copyright?.trimmedNonEmpty
            ?? media.av?.tags["copyright"]?.trimmedNonEmpty
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
        for keyword in (xmp?.keywords ?? []) + (iptc?.keywords ?? []) {
            let cleaned = Tag.clean(keyword)
            guard !cleaned.isEmpty, seen.insert(cleaned.lowercased()).inserted else { continue }
            tags.append(cleaned)
        }
    }

    /// Sorts media into the spec's asset types from what the file is, not its name.
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
            if let image = media.image, max(image.width, image.height) <= 256, image.width == image.height { return .imageIcon }
            switch media.format {
            case "jpeg", "heif", "tiff": return .imagePhoto
            default: return .imageGraphic
            }
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
