import Foundation
internal import CVips
internal import CMediaShim

/// One reference to a libvips image, released on deinit. A built libvips image is never mutated
/// (metadata edits happen on a fresh `copy()`), so it can be read from several threads.
final class LibvipsImage: @unchecked Sendable {
    typealias Pointer = UnsafeMutablePointer<VipsImage>

    let pointer: Pointer

    /// Takes ownership of one reference.
    init(taking pointer: Pointer) {
        self.pointer = pointer
    }

    deinit {
        g_object_unref(pointer)
    }

    /// Runs a shim call that produces an image; a failure becomes a `MediaError` carrying libvips'
    /// error buffer.
    static func make(
        _ what: String,
        as failure: (String) -> MediaError = MediaError.vips,
        _ body: (UnsafeMutablePointer<Pointer?>) -> Int32
    ) throws(MediaError) -> LibvipsImage {
        var output: Pointer?
        let status = body(&output)
        guard status == 0, let output else {
            if let output { g_object_unref(output) }
            throw failure("\(what): \(LibvipsError.take())")
        }
        return LibvipsImage(taking: output)
    }

    var width: Int { Int(vips_image_get_width(pointer)) }
    var height: Int { Int(vips_image_get_height(pointer)) }
    var bands: Int { Int(vips_image_get_bands(pointer)) }
    var hasAlpha: Bool { vips_image_hasalpha(pointer) != 0 }
    var bandFormat: VipsBandFormat { vips_image_get_format(pointer) }
    var interpretation: VipsInterpretation { vips_image_get_interpretation(pointer) }

    /// "srgb", "cmyk", "b-w", "rgb16", "grey16"…
    var interpretationName: String {
        guard let nick = vips_enum_nick(vips_interpretation_get_type(), Int32(interpretation.rawValue)) else {
            return "unknown"
        }
        return String(cString: nick)
    }

    var bitsPerSample: Int { Int(vips_format_sizeof(bandFormat)) * 8 }

    /// Pages or frames in the file (the image itself holds the pages that were loaded).
    var pageCount: Int { max(1, Int(vips_image_get_n_pages(pointer))) }
    var orientation: Int { Int(vips_image_get_orientation(pointer)) }

    func has(_ field: String) -> Bool {
        vips_image_get_typeof(pointer, field) != 0
    }

    func int(_ field: String) -> Int? {
        guard has(field) else { return nil }
        var value: Int32 = 0
        guard vips_image_get_int(pointer, field, &value) == 0 else {
            _ = LibvipsError.take()
            return nil
        }
        return Int(value)
    }

    func string(_ field: String) -> String? {
        guard has(field) else { return nil }
        var value: UnsafePointer<CChar>?
        guard vips_image_get_string(pointer, field, &value) == 0, let value else {
            _ = LibvipsError.take()
            return nil
        }
        return String(cString: value)
    }

    func blob(_ field: String) -> Data? {
        guard has(field) else { return nil }
        var bytes: UnsafeRawPointer?
        var length = 0
        guard vips_image_get_blob(pointer, field, &bytes, &length) == 0, let bytes, length > 0 else {
            _ = LibvipsError.take()
            return nil
        }
        return Data(bytes: bytes, count: length)
    }

    var fieldNames: [String] {
        guard let fields = vips_image_get_fields(pointer) else { return [] }
        defer { g_strfreev(fields) }
        var names: [String] = []
        var index = 0
        while let name = fields[index] {
            names.append(String(cString: name))
            index += 1
        }
        return names
    }

    /// Only on an image this code has just made with `copy()` and not yet shared.
    func removeField(_ field: String) {
        _ = vips_image_remove(pointer, field)
    }

    /// Only on an image this code has just made with `copy()` and not yet shared.
    func setBlob(_ field: String, _ data: Data) {
        data.withUnsafeBytes { bytes in
            vips_image_set_blob_copy(pointer, field, bytes.baseAddress, bytes.count)
        }
    }

    /// A new header over the same pixels, whose metadata may be edited.
    func copy() throws(MediaError) -> LibvipsImage {
        try LibvipsImage.make("copy") { sr_vips_copy(pointer, $0) }
    }

    /// Kills evaluation of this image (and images computed from it) after the deadline.
    func limit(by deadline: Deadline) {
        sr_vips_set_deadline(pointer, deadline.monotonicMicroseconds)
    }

    /// Computes every pixel into memory, so several renditions can read it at random.
    func inMemory(deadline: Deadline, as failure: (String) -> MediaError) throws(MediaError) -> LibvipsImage {
        limit(by: deadline)
        guard let copy = vips_image_copy_memory(pointer) else {
            let message = LibvipsError.take()
            try deadline.check()
            throw failure(message)
        }
        return LibvipsImage(taking: copy)
    }
}
