import Foundation
@testable import StockroomMedia

/// XMP packets (embedded blocks and `.xmp` sidecars) through XMPPacketParser: the UTF-8/UTF-16
/// repair and FoundationXML's parser with external entities off.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXMP(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = XMPPacketParser.parse(Data(bytes: data, count: size))
    return 0
}
