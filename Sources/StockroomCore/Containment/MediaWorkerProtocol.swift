import Foundation
import StockroomMedia

/// The messages a supervisor and a media worker exchange over the worker's stdin and stdout.
///
/// Every message is one frame (`MediaWorkerFrame`): a JSON header and, for rendered images sent
/// inline, a binary body the header points into. The worker speaks first (`Hello`), then answers
/// one `Request` at a time with one `Reply` carrying the same id — or, for a render that names
/// `first` recipes, two: `renderedFirst` with those, then `rendered` with the others. A change to
/// any of these types that an older peer could misread bumps `version`.
public enum MediaWorkerProtocol {
    /// 2: the `videoProxy` work and result (PREVIEW_VIDEO).
    /// 3: the `audioProxy` (PREVIEW_AUDIO) and `waveform` (WAVEFORM) work and results.
    /// 4: `render` names the recipes to send `first` (the grid thumbnails), answered by a
    /// `renderedFirst` reply before the final one, both from one decode.
    public static let version = 4

    /// The worker's first frame: which protocol it speaks and the limits it put on itself.
    public struct Hello: Codable, Sendable, Equatable {
        public var protocolVersion: Int
        public var pid: Int32
        public var limits: AppliedLimits
    }

    /// The resource limits in force in the worker, as it read them back after setting them.
    public struct AppliedLimits: Codable, Sendable, Equatable {
        /// RLIMIT_AS in bytes; nil when unlimited.
        public var addressSpaceBytes: UInt64?
        /// RLIMIT_CORE in bytes: 0, no core files.
        public var coreFileBytes: UInt64?
    }

    public struct Request: Codable, Sendable, Equatable {
        public var id: UInt64
        /// Seconds of CPU time this request may use before the kernel stops the worker (SIGXCPU):
        /// a backstop behind the supervisor's wall-clock limit.
        public var cpuSeconds: Int
        public var configuration: MediaEngineConfiguration
        public var work: Work
    }

    public enum Work: Codable, Sendable, Equatable {
        case describe(file: String, sidecar: String?)
        /// Rendered images up to `inlineByteLimit` bytes come back in the frame's body; larger ones
        /// as files the worker creates in `scratchDirectory` (made and owned by the supervisor).
        /// When `first` names recipes, their outcomes come in a `renderedFirst` reply as soon as
        /// they are made, and the final `rendered` reply carries only the others.
        case render(file: String, description: MediaDescription, recipes: [RenditionRecipe],
                    scratchDirectory: String, inlineByteLimit: Int, first: [String])
        /// The PREVIEW_VIDEO proxy, written as a file in `scratchDirectory`.
        case videoProxy(file: String, recipe: VideoProxyRecipe, scratchDirectory: String)
        /// The PREVIEW_AUDIO proxy, written as a file in `scratchDirectory`.
        case audioProxy(file: String, recipe: AudioProxyRecipe, scratchDirectory: String)
        /// The WAVEFORM image, sent inline (it is small: at most 4096 × 1024 pixels, compressed).
        case waveform(file: String, recipe: WaveformRecipe)
    }

    public struct Reply: Codable, Sendable, Equatable {
        public var id: UInt64
        public var result: Result
    }

    public enum Result: Codable, Sendable, Equatable {
        case described(MediaDescription)
        case rendered([Outcome])
        /// The outcomes of a render's `first` recipes, sent before the final reply to the same
        /// request (never alone, never twice, never for a request that named none).
        case renderedFirst([Outcome])
        /// The proxy's facts and its file in the scratch directory (always `.file`).
        case videoProxy(VideoProxyFacts, bytes: ByteLocation)
        /// The audio proxy's facts and its file in the scratch directory (always `.file`).
        case audioProxy(AudioProxyFacts, bytes: ByteLocation)
        /// The waveform image, its bytes in the body (always `.inline`).
        case waveform(RenderedFacts)
        /// The engine refused or failed the file: an expected outcome, not a worker fault.
        case failed(MediaError)
    }

    /// One recipe's result as it travels: the image's facts and where its bytes are.
    public enum Outcome: Codable, Sendable, Equatable {
        case rendered(RenderedFacts)
        case failed(name: String, reason: String)
    }

    public struct RenderedFacts: Codable, Sendable, Equatable {
        public var name: String
        public var width: Int
        public var height: Int
        public var format: RenditionRecipe.ImageFormat
        public var quality: Int
        public var bytes: ByteLocation
    }

    /// Where an output's bytes are: a range of the reply frame's body, or a file in the request's
    /// scratch directory (a plain name, never a path).
    public enum ByteLocation: Codable, Sendable, Equatable {
        case inline(offset: Int, count: Int)
        case file(name: String, count: Int)
    }
}
