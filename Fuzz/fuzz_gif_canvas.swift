import Foundation
@testable import StockroomMedia

/// GIF logical screen and frame descriptors through GIFCanvas, the decompression-bomb check
/// that runs before libnsgif sees the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGIFCanvas(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = GIFCanvas.read(Data(bytes: data, count: size))
    return 0
}
