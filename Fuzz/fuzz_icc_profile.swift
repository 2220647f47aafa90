import Foundation
@testable import StockroomMedia

/// Embedded ICC profiles through ICCProfileDescription ('desc' and 'mluc' tags).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzICCProfile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = ICCProfileDescription.read(Data(bytes: data, count: size))
    return 0
}
