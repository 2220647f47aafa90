// Fuzz harness for Stockroom's own parsers (Photoshop, Office/OpenDocument, fonts through
// FreeType, plain text, SVG inspection, PDF structure scan, EPS comments, poppler, librsvg, and
// the EXIF/XMP/IPTC/ICC/GIF metadata parsers; see DocumentParsers.Parser).
//
// Replay (any build): `swift run FuzzDocumentParsers FILE_OR_DIR...` runs every file through every
// parser once and prints which accepted it. `swift run FuzzDocumentParsers --make-seeds SEED_DIR
// FILE_OR_DIR...` writes each file once per parser that accepts it, with that parser's selector
// byte in front: the seed corpus. Seeds: scripts/make-document-fixtures OUT and
// ../shared/corpus/documents.
//
// libFuzzer: `swift build --product FuzzDocumentParsers --scratch-path .build-fuzz
//   -Xswiftc -sanitize=fuzzer,address -Xswiftc -DLIBFUZZER -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld`
//   (gold crashes reporting the sanitizer runtime's symbols), then
//   `LSAN_OPTIONS=suppressions=Fuzz/leak-suppressions.txt
//    .build-fuzz/debug/FuzzDocumentParsers -rss_limit_mb=4096 -timeout=20 CORPUS_DIR SEED_DIR...`
//   (the suppressions name the libraries' known small leaks; `-detect_leaks=0` hunts crashes only).
// The first byte of an input chooses the parser (so one corpus serves all of them), the rest is
// the file.
import Foundation
import StockroomMedia

/// One input: the first byte chooses the parser, the rest is the file.
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let parsers = DocumentParsers.Parser.allCases
    let parser = parsers[Int(data[0]) % parsers.count]
    DocumentParsers.run(parser, Data(bytes: data + 1, count: size - 1))
    return 0
}

#if LIBFUZZER
/// libFuzzer's driver looks this symbol up.
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzOneInput(data, size)
}

// SwiftPM links an executable's entry point as `main`, so libFuzzer's own main is not used; its
// driver is called instead.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
#endif

@main
struct FuzzDocumentParsers {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.first == "--make-seeds", arguments.count >= 3 {
            makeSeeds(URL(fileURLWithPath: arguments[arguments.startIndex + 1]), from: arguments.dropFirst(2))
            return
        }
        #if LIBFUZZER
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
        #else
        replay(arguments)
        #endif
    }

    /// Every file named (directories walked) through every parser once.
    static func replay(_ paths: ArraySlice<String>) {
        guard !paths.isEmpty else {
            FileHandle.standardError.write(Data("usage: FuzzDocumentParsers FILE_OR_DIR...\n".utf8))
            exit(64)
        }
        var files = 0
        for path in paths {
            for file in expand(URL(fileURLWithPath: path)) {
                guard let bytes = try? Data(contentsOf: file) else { continue }
                let accepted = DocumentParsers.runAll(bytes)
                print("\(file.lastPathComponent): \(accepted.isEmpty ? "refused by every parser" : accepted.map(\.rawValue).joined(separator: ", "))")
                files += 1
            }
        }
        FileHandle.standardError.write(Data("replayed \(files) inputs\n".utf8))
    }

    /// Each input once per parser that accepts it, prefixed with that parser's selector byte.
    static func makeSeeds(_ folder: URL, from paths: ArraySlice<String>) {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let parsers = DocumentParsers.Parser.allCases
        var seeds = 0
        for path in paths {
            for file in expand(URL(fileURLWithPath: path)) {
                guard let bytes = try? Data(contentsOf: file) else { continue }
                for parser in DocumentParsers.runAll(bytes) {
                    let selector = UInt8(parsers.firstIndex(of: parser)!)
                    let seed = folder.appendingPathComponent("\(parser.rawValue)-\(file.lastPathComponent)")
                    try? (Data([selector]) + bytes).write(to: seed)
                    seeds += 1
                }
            }
        }
        FileHandle.standardError.write(Data("wrote \(seeds) seeds to \(folder.path)\n".utf8))
    }

    static func expand(_ url: URL) -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [url] }
        let children = (try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? []
        return children.sorted { $0.path < $1.path }.flatMap(expand)
    }
}
