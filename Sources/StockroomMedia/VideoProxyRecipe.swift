import Foundation

/// The PREVIEW_VIDEO recipe: an H.264/AAC MP4 a browser plays and seeks while it downloads,
/// at most `maxHeight` pixels high (never upscaled, square pixels), the first `durationSeconds`
/// of the file (nil: all of it), at the given bitrates.
public struct VideoProxyRecipe: Sendable, Codable, Hashable {
    public var maxHeight: Int
    public var durationSeconds: Double?
    public var videoBitrateKbps: Int
    public var audioBitrateKbps: Int

    public static let maxHeights = 144...2160
    public static let videoBitrates = 100...20_000
    public static let audioBitrates = 32...320

    public init(maxHeight: Int = 720, durationSeconds: Double? = 10, videoBitrateKbps: Int = 2_000, audioBitrateKbps: Int = 128) {
        self.maxHeight = maxHeight
        self.durationSeconds = durationSeconds
        self.videoBitrateKbps = videoBitrateKbps
        self.audioBitrateKbps = audioBitrateKbps
    }
}

/// What a video proxy turned out to be.
public struct VideoProxyFacts: Sendable, Codable, Equatable {
    public var width: Int
    public var height: Int
    public var durationSeconds: Double
    public var hasAudio: Bool

    public init(width: Int, height: Int, durationSeconds: Double, hasAudio: Bool) {
        self.width = width
        self.height = height
        self.durationSeconds = durationSeconds
        self.hasAudio = hasAudio
    }
}
