import Foundation
internal import CPoppler

/// One PDF opened by poppler's GLib API, released on deinit. Used for what libvips' loader does
/// not expose: the information dictionary, page sizes, text and fonts. Pages are rendered by
/// libvips (which has its own poppler document).
final class PopplerDocument {
    enum OpenFailure: Error {
        /// The file needs a password to be read.
        case encrypted
        case damaged(String)
    }

    private let pointer: OpaquePointer

    /// Opens without a password.
    static func open(path: String) -> Result<PopplerDocument, OpenFailure> {
        var error: UnsafeMutablePointer<GError>?
        guard let uri = g_filename_to_uri(path, nil, &error) else {
            defer { g_clear_error(&error) }
            return .failure(.damaged(error.map { String(cString: $0.pointee.message) } ?? "cannot name the file"))
        }
        defer { g_free(uri) }
        guard let document = poppler_document_new_from_file(uri, nil, &error) else {
            defer { g_clear_error(&error) }
            if let error, error.pointee.domain == poppler_error_quark(), error.pointee.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) {
                return .failure(.encrypted)
            }
            return .failure(.damaged(error.map { String(cString: $0.pointee.message) } ?? "poppler cannot open it"))
        }
        return .success(PopplerDocument(taking: document))
    }

    private init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        g_object_unref(UnsafeMutableRawPointer(pointer))
    }

    var pageCount: Int { Int(poppler_document_get_n_pages(pointer)) }

    var title: String? { Self.take(poppler_document_get_title(pointer)) }
    var author: String? { Self.take(poppler_document_get_author(pointer)) }
    var subject: String? { Self.take(poppler_document_get_subject(pointer)) }
    var keywords: String? { Self.take(poppler_document_get_keywords(pointer)) }
    var creator: String? { Self.take(poppler_document_get_creator(pointer)) }
    var producer: String? { Self.take(poppler_document_get_producer(pointer)) }
    var versionString: String? { Self.take(poppler_document_get_pdf_version_string(pointer)) }
    /// The XMP metadata stream, if the catalog has one.
    var metadata: String? { Self.take(poppler_document_get_metadata(pointer)) }

    var createdAt: Date? { Self.date(poppler_document_get_creation_date(pointer)) }
    var modifiedAt: Date? { Self.date(poppler_document_get_modification_date(pointer)) }

    /// Page size in points (0-based index), or nil when the page cannot be read.
    func pageSize(_ index: Int) -> (width: Double, height: Double)? {
        guard index >= 0, index < pageCount, let page = poppler_document_get_page(pointer, Int32(index)) else { return nil }
        defer { g_object_unref(UnsafeMutableRawPointer(page)) }
        var width = 0.0
        var height = 0.0
        poppler_page_get_size(page, &width, &height)
        guard width.isFinite, height.isFinite, width > 0, height > 0 else { return nil }
        return (width, height)
    }

    /// The text of one page in reading order (poppler's layout analysis).
    func text(ofPage index: Int) -> String? {
        guard index >= 0, index < pageCount, let page = poppler_document_get_page(pointer, Int32(index)) else { return nil }
        defer { g_object_unref(UnsafeMutableRawPointer(page)) }
        return Self.take(poppler_page_get_text(page))
    }

    /// Font names used by the first `pages` pages.
    func fontNames(scanningPages pages: Int) -> [String] {
        guard let info = poppler_font_info_new(pointer) else { return [] }
        defer { poppler_font_info_free(info) }
        var names: [String] = []
        var iterator: OpaquePointer?
        guard poppler_font_info_scan(info, Int32(max(1, min(pages, pageCount))), &iterator) != 0, let iterator else { return [] }
        defer { poppler_fonts_iter_free(iterator) }
        repeat {
            if let name = poppler_fonts_iter_get_name(iterator) {
                names.append(String(cString: name))
            }
        } while poppler_fonts_iter_next(iterator) != 0 && names.count < 1000
        return names
    }

    private static func take(_ text: UnsafeMutablePointer<gchar>?) -> String? {
        guard let text else { return nil }
        defer { g_free(text) }
        return String(cString: text)
    }

    private static func date(_ seconds: time_t) -> Date? {
        seconds > 0 ? Date(timeIntervalSince1970: TimeInterval(seconds)) : nil
    }
}
