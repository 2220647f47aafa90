import Foundation
@testable import StockroomMedia

/// EXIF blocks through ExifReader: libexif's loader, then every typed field read Stockroom does
/// (bounds against each entry's size, GPS, dates) and the Canon maker-note ISO.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExifReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = ExifReader.read(Data(bytes: data, count: size))
    return 0
}
