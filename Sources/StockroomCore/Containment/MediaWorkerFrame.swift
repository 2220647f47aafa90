import Foundation

/// One message on a worker pipe: `u32 header length | u32 body length | header JSON | body`,
/// lengths big-endian. The header is a protocol message; the body holds inline output bytes.
public struct MediaWorkerFrame: Sendable, Equatable {
    public static let prefixLength = 8

    public var header: Data
    public var body: Data

    public init(header: Data, body: Data = Data()) {
        self.header = header
        self.body = body
    }

    public init<Message: Encodable>(_ message: Message, body: Data = Data()) throws {
        self.init(header: try JSONEncoder().encode(message), body: body)
    }

    public func decode<Message: Decodable>(_ type: Message.Type) throws -> Message {
        try JSONDecoder().decode(type, from: header)
    }

    public var encoded: Data {
        var data = Data(capacity: Self.prefixLength + header.count + body.count)
        data.append(contentsOf: Self.bigEndian(UInt32(header.count)))
        data.append(contentsOf: Self.bigEndian(UInt32(body.count)))
        data.append(header)
        data.append(body)
        return data
    }

    /// The most a peer may send; anything larger is a protocol error, never an allocation.
    public struct Caps: Sendable, Equatable {
        public var headerBytes: Int
        public var bodyBytes: Int

        public init(headerBytes: Int = 16 << 20, bodyBytes: Int = 256 << 20) {
            self.headerBytes = headerBytes
            self.bodyBytes = bodyBytes
        }
    }

    /// Reads the two lengths of a frame prefix and checks them against `caps`.
    static func lengths(ofPrefix prefix: Data, caps: Caps) throws(MediaWorkerFrameError) -> (header: Int, body: Int) {
        guard prefix.count >= prefixLength else { throw .truncated }
        let bytes = [UInt8](prefix.prefix(prefixLength))
        let header = Int(bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        let body = Int(bytes[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        guard header > 0 else { throw .emptyHeader }
        guard header <= caps.headerBytes else { throw .tooLarge(part: "header", bytes: header, cap: caps.headerBytes) }
        guard body <= caps.bodyBytes else { throw .tooLarge(part: "body", bytes: body, cap: caps.bodyBytes) }
        return (header, body)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }
}

public enum MediaWorkerFrameError: Error, Equatable, CustomStringConvertible {
    case truncated
    case emptyHeader
    case tooLarge(part: String, bytes: Int, cap: Int)

    public var description: String {
        switch self {
        case .truncated: "a frame ended early"
        case .emptyHeader: "a frame with an empty header"
        case let .tooLarge(part, bytes, cap): "a frame \(part) of \(bytes) bytes (the cap is \(cap))"
        }
    }
}

/// Accumulates bytes read from a pipe and cuts whole frames out of them.
struct MediaWorkerFrameBuffer {
    let caps: MediaWorkerFrame.Caps
    private var pending = Data()

    init(caps: MediaWorkerFrame.Caps) {
        self.caps = caps
    }

    var isEmpty: Bool { pending.isEmpty }

    mutating func append(_ bytes: Data) {
        pending.append(bytes)
    }

    /// The next complete frame, nil when more bytes are needed. Lengths over the caps throw as
    /// soon as the prefix arrives, before anything of that size is buffered.
    mutating func nextFrame() throws(MediaWorkerFrameError) -> MediaWorkerFrame? {
        guard pending.count >= MediaWorkerFrame.prefixLength else { return nil }
        let (headerLength, bodyLength) = try MediaWorkerFrame.lengths(ofPrefix: pending, caps: caps)
        let total = MediaWorkerFrame.prefixLength + headerLength + bodyLength
        guard pending.count >= total else { return nil }
        let start = pending.startIndex + MediaWorkerFrame.prefixLength
        let header = pending[start..<(start + headerLength)]
        let body = pending[(start + headerLength)..<(start + headerLength + bodyLength)]
        let frame = MediaWorkerFrame(header: Data(header), body: Data(body))
        pending = Data(pending[(pending.startIndex + total)...])
        return frame
    }
}
