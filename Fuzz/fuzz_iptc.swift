import Foundation
@testable import StockroomMedia

/// IPTC-IIM in a Photoshop resource block, or bare, through IPTCParser.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIPTC(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = IPTCParser.parse(Data(bytes: data, count: size))
    return 0
}
