import Foundation

/// The PREVIEW_AUDIO recipe: an AAC-in-MP4 file (audio only, index in front) that every browser
/// plays and seeks while it downloads, whatever the original's format (AIFF, WMA, ALAC, FLAC…):
/// the first `durationSeconds` of the file (nil: all of it) at `bitrateKbps`, stereo or mono
/// as the source, 44.1 or 48 kHz.
public struct AudioProxyRecipe: Sendable, Codable, Hashable {
    public var durationSeconds: Double?
    public var bitrateKbps: Int

    public static let bitrates = 32...320

    public init(durationSeconds: Double? = nil, bitrateKbps: Int = 128) {
        self.durationSeconds = durationSeconds
        self.bitrateKbps = bitrateKbps
    }
}

/// What an audio proxy turned out to be.
public struct AudioProxyFacts: Sendable, Codable, Equatable {
    public var durationSeconds: Double

    public init(durationSeconds: Double) {
        self.durationSeconds = durationSeconds
    }
}
