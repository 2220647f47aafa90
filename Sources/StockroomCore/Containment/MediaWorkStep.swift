import Foundation
import StockroomMedia

/// What a worker was doing when it died, in words for a failure reason: "the video decoder …
/// while making the poster frame". Describe requests name the decoder from the file's first
/// bytes (read here, never decoded); render requests from the description the worker gave.
struct MediaWorkStep: Sendable, Equatable {
    /// "the image decoder (JPEG)", "the video decoder", "the audio decoder".
    var decoder: String
    /// "reading the file's metadata", "making the poster frame", "making the renditions".
    var activity: String

    static func describing(_ file: URL) -> MediaWorkStep {
        MediaWorkStep(decoder: FileSignature.sniff(file).decoderName, activity: "reading the file's metadata")
    }

    static func rendering(_ description: MediaDescription) -> MediaWorkStep {
        switch description.kind {
        case .video:
            MediaWorkStep(decoder: "the video decoder", activity: "making the poster frame")
        case .audio where description.av?.hasCoverArt == false:
            // Without cover art the thumbnails are the waveform: the audio itself is decoded.
            MediaWorkStep(decoder: "the audio decoder", activity: "drawing the waveform thumbnails")
        case .audio:
            MediaWorkStep(decoder: "the cover-art decoder", activity: "reading the cover art")
        case .image:
            MediaWorkStep(decoder: "the image decoder (\(description.format.uppercased()))", activity: "making the renditions")
        case .document:
            MediaWorkStep(decoder: "the document reader (\(description.format.uppercased()))", activity: "drawing the pages")
        case .design:
            MediaWorkStep(decoder: "the design-file reader (\(description.format.uppercased()))", activity: "making the renditions")
        case .font:
            MediaWorkStep(decoder: "the font reader (\(description.format.uppercased()))", activity: "drawing the specimen")
        }
    }
}

/// A guess at a file's kind from its magic numbers, only to name the decoder in a reason.
enum FileSignature: Equatable {
    case image(String)
    case video
    case audio
    case document(String)
    case font
    case unknown

    var decoderName: String {
        switch self {
        case let .image(format): "the image decoder (\(format))"
        case let .document(format): "the document reader (\(format))"
        case .font: "the font reader"
        case .video: "the video decoder"
        case .audio: "the audio decoder"
        case .unknown: "the media decoder"
        }
    }

    static func sniff(_ file: URL) -> FileSignature {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return .unknown }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 32)) ?? Data())
        return sniff(head)
    }

    static func sniff(_ b: [UInt8]) -> FileSignature {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            b.count >= offset + prefix.count && Array(b[offset..<(offset + prefix.count)]) == prefix
        }
        func ascii(_ text: String, at offset: Int = 0) -> Bool { starts(Array(text.utf8), at: offset) }
        if starts([0xFF, 0xD8, 0xFF]) { return .image("JPEG") }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return .image("PNG") }
        if ascii("GIF8") { return .image("GIF") }
        if ascii("II*\0") || ascii("MM\0*") { return .image("TIFF") }
        if ascii("RIFF") && ascii("WEBP", at: 8) { return .image("WEBP") }
        if ascii("RIFF") && (ascii("WAVE", at: 8) || ascii("AVI ", at: 8)) { return ascii("AVI ", at: 8) ? .video : .audio }
        if ascii("%PDF") { return .image("PDF") }
        if ascii("<?xml") || ascii("<svg") { return .image("SVG") }
        if ascii("8BPS") { return .document("PSD") }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return .document("Office") }
        if starts([0x00, 0x01, 0x00, 0x00]) || ascii("OTTO") || ascii("wOFF") || ascii("wOF2") || ascii("ttcf") { return .font }
        if ascii("%!PS") || starts([0xC5, 0xD0, 0xD3, 0xC6]) { return .document("EPS") }
        if ascii("ftyp", at: 4) {
            let brand = b.count >= 12 ? String(decoding: b[8..<12], as: UTF8.self) : ""
            if ["heic", "heix", "heim", "heis", "mif1", "msf1", "avif", "avis"].contains(brand) { return .image(brand.hasPrefix("avi") ? "AVIF" : "HEIF") }
            if brand.hasPrefix("M4A") || brand.hasPrefix("M4B") { return .audio }
            return .video
        }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return .video }
        if ascii("ID3") || ascii("fLaC") || ascii("OggS") || ascii("FORM") || starts([0xFF, 0xFB]) || starts([0xFF, 0xF3])
            || starts([0xFF, 0xF1]) || starts([0xFF, 0xF9]) { return .audio }
        return .unknown
    }
}
