import Foundation

/// MIME types for the formats the engine identifies.
enum MediaTypes {
    static func imageMIMEType(format: String) -> String {
        switch format {
        case "jpeg": return "image/jpeg"
        case "png": return "image/png"
        case "webp": return "image/webp"
        case "gif": return "image/gif"
        case "tiff": return "image/tiff"
        case "heif": return "image/heif"
        case "heic": return "image/heic"
        case "avif": return "image/avif"
        case "svg": return "image/svg+xml"
        case "pdf": return "application/pdf"
        default: return "application/octet-stream"
        }
    }

    /// Format name and MIME type of an audio/video file from libavformat's demuxer name and what
    /// the streams contain.
    static func audioVisual(container: String, kind: MediaKind, codecs: [String], majorBrand: String?) -> (format: String, mimeType: String) {
        let isVideo = kind == .video
        switch container {
        case let name where name.hasPrefix("mov,mp4"):
            let brand = majorBrand?.trimmingCharacters(in: .whitespaces).lowercased()
            if brand == "qt" { return ("mov", "video/quicktime") }
            if !isVideo { return ("m4a", "audio/mp4") }
            return (brand == "3gp4" || brand == "3gp5" || brand == "3g2a" ? "3gp" : "mp4", "video/mp4")
        case "matroska,webm":
            let webmCodecs: Set<String> = ["vp8", "vp9", "av1", "opus", "vorbis", "mjpeg", "png"]
            if codecs.allSatisfy(webmCodecs.contains) {
                return ("webm", isVideo ? "video/webm" : "audio/webm")
            }
            return ("matroska", isVideo ? "video/x-matroska" : "audio/x-matroska")
        case "mp3": return ("mp3", "audio/mpeg")
        case "flac": return ("flac", "audio/flac")
        case "ogg": return ("ogg", isVideo ? "video/ogg" : "audio/ogg")
        case "wav": return ("wav", "audio/wav")
        case "aiff": return ("aiff", "audio/aiff")
        case "aac": return ("aac", "audio/aac")
        case "avi": return ("avi", "video/x-msvideo")
        case "mpegts": return ("mpegts", "video/mp2t")
        case "mpeg": return ("mpeg", isVideo ? "video/mpeg" : "audio/mpeg")
        case "asf": return ("asf", isVideo ? "video/x-ms-asf" : "audio/x-ms-wma")
        case "flv": return ("flv", "video/x-flv")
        default: return (container, isVideo ? "video/octet-stream" : "audio/octet-stream")
        }
    }
}
