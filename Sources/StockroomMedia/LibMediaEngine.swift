import Foundation
internal import CMediaShim
internal import CVips

/// The media engine over libvips, libexif and libavformat/libavcodec.
public final class LibMediaEngine: MediaEngine {
    public let configuration: MediaEngineConfiguration

    public init(configuration: MediaEngineConfiguration = MediaEngineConfiguration()) throws(MediaError) {
        self.configuration = configuration
        if sr_vips_init("stockroom", Int32(configuration.vipsConcurrency)) != 0 {
            throw .vips("cannot initialise libvips")
        }
    }

    public func describe(fileAt url: URL, sidecar: URL?) throws(MediaError) -> MediaDescription {
        throw .unsupportedFormat("media engine under construction")
    }

    public func render(fileAt url: URL, description: MediaDescription, recipes: [RenditionRecipe]) throws(MediaError) -> [RenditionOutcome] {
        throw .unsupportedFormat("media engine under construction")
    }
}
